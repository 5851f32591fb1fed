import { describe, expect, it } from 'vitest';
import { QuizDictionary } from './dictionary.js';

describe('QuizDictionary', () => {
  const dictionary = QuizDictionary.from(['사람', '사랑', '서랍', '강아지', '고양이', '사과'], {
    minAnswers: 2,
  });

  it('lists only patterns with enough answers, sorted', () => {
    expect(dictionary.patterns).toEqual(['ㅅㄹ']);
  });

  it('accepts a word that is in the pack and fits the pattern', () => {
    expect(dictionary.isAnswer('서랍', 'ㅅㄹ')).toBe(true);
    expect(dictionary.isAnswer('사과', 'ㅅㄹ')).toBe(false);
    expect(dictionary.isAnswer('수레', 'ㅅㄹ')).toBe(false);
  });

  it('refuses a pack with no playable pattern', () => {
    expect(() => QuizDictionary.from(['사람', '나무'], { minAnswers: 2 })).toThrow(/No choseong pattern/);
  });

  it('normalizes answers by removing whitespace', () => {
    expect(QuizDictionary.normalize(' 사 람\n')).toBe('사람');
  });
});
