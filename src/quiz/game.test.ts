import { describe, expect, it } from 'vitest';
import { QuizDictionary } from './dictionary.js';
import {
  acceptAnswer,
  createGame,
  drawPattern,
  expireRound,
  judgeAnswer,
  pointsFor,
  rankStandings,
  resolveQuizRules,
  roundEndsAt,
} from './game.js';

const WORDS = [
  '사람',
  '사랑',
  '서랍',
  '수레',
  '고기',
  '가게',
  '거기',
  '구경',
  '나무',
  '누나',
  '노래',
  '나라',
  '노랑',
];
const dictionary = QuizDictionary.from(WORDS, { minAnswers: 3 });
const room = { roomId: 'lobby', gameId: 'g1', seed: 42 };
const player = (word: string, playerId = 'p1') => ({ playerId, name: playerId, word });

describe('drawPattern', () => {
  it('draws the same pattern for the same seed, room and round', () => {
    const first = drawPattern(dictionary, 7, 'lobby', 3, []);

    expect(drawPattern(dictionary, 7, 'lobby', 3, [])).toBe(first);
    expect(dictionary.patterns).toContain(first);
  });

  it('only draws patterns with enough answers', () => {
    const drawn = new Set(
      Array.from({ length: 50 }, (_, round) => drawPattern(dictionary, 1, 'r', round, [])),
    );

    expect([...drawn].every((pattern) => dictionary.answersFor(pattern).length >= 3)).toBe(true);
  });

  it('avoids recent patterns while others remain', () => {
    const [a, b, c] = dictionary.patterns;

    expect(drawPattern(dictionary, 9, 'lobby', 1, [a!, b!])).toBe(c);
  });
});

describe('judgeAnswer', () => {
  const game = createGame(room, dictionary, 0);
  const answers = dictionary.answersFor(game.pattern);

  it('accepts every dictionary word that fits the pattern', () => {
    expect(answers.map((word) => judgeAnswer(game, word, dictionary).kind)).toEqual(
      answers.map(() => 'correct'),
    );
  });

  it('ignores whitespace inside and around the answer', () => {
    expect(judgeAnswer(game, ` ${answers[0]![0]} ${answers[0]!.slice(1)} `, dictionary)).toEqual({
      kind: 'correct',
      word: answers[0],
    });
  });

  it('treats words outside the dictionary or the pattern as chat', () => {
    const other = WORDS.find((word) => !answers.includes(word))!;

    expect(judgeAnswer(game, '안녕하세요', dictionary)).toEqual({ kind: 'chat' });
    expect(judgeAnswer(game, other, dictionary)).toEqual({ kind: 'chat' });
  });

  it('calls a word already given this round used', () => {
    const rules = resolveQuizRules({ answersPerRound: 3 });
    const after = acceptAnswer(game, player(answers[0]!), dictionary, rules, 1).game;

    expect(judgeAnswer(after, answers[0]!, dictionary)).toEqual({ kind: 'used', word: answers[0] });
  });

  it('calls a dictionary word sent for an earlier round late', () => {
    const next = acceptAnswer(game, player(answers[0]!), dictionary, resolveQuizRules(), 1).game;
    const stale = answers[1]!;

    expect(judgeAnswer(next, stale, dictionary, game.round)).toEqual({ kind: 'late', word: stale });
    expect(judgeAnswer(next, stale, dictionary)).toEqual({ kind: 'chat' });
  });
});

describe('acceptAnswer', () => {
  it('ends the round on the first correct answer by default and draws a new pattern', () => {
    const game = createGame(room, dictionary, 0);
    const word = dictionary.answersFor(game.pattern)[0]!;

    const result = acceptAnswer(game, player(word), dictionary, resolveQuizRules(), 100);

    expect(result.roundEnded).toBe(true);
    expect(result.answer).toEqual({ playerId: 'p1', name: 'p1', word, points: 1 });
    expect(result.game).toMatchObject({ round: 2, version: 2, roundStartedAt: 100, answers: [] });
    expect(result.game.pattern).not.toBe(game.pattern);
    expect(result.summary).toMatchObject({
      round: 1,
      pattern: game.pattern,
      reason: 'answered',
      endedAt: 100,
    });
    expect(result.summary?.otherAnswers).not.toContain(word);
  });

  it('keeps the round open until answersPerRound answers, scoring by place', () => {
    const rules = resolveQuizRules({ answersPerRound: 3, points: [3, 2, 1] });
    let game = createGame(room, dictionary, 0);
    const [a, b, c] = dictionary.answersFor(game.pattern);

    const first = acceptAnswer(game, player(a!, 'p1'), dictionary, rules, 1);
    game = first.game;
    const second = acceptAnswer(game, player(b!, 'p2'), dictionary, rules, 2);
    const third = acceptAnswer(second.game, player(c!, 'p1'), dictionary, rules, 3);

    expect([first.roundEnded, second.roundEnded, third.roundEnded]).toEqual([false, false, true]);
    expect([first.answer.points, second.answer.points, third.answer.points]).toEqual([3, 2, 1]);
    expect(third.summary?.answers.map((answer) => answer.word)).toEqual([a, b, c]);
  });
});

describe('time limits', () => {
  it('ends a timed round once its time is up, and not before', () => {
    const rules = resolveQuizRules({ roundTimeLimitMs: 30_000 });
    const game = createGame(room, dictionary, 1_000);

    expect(roundEndsAt(game, rules)).toBe(31_000);
    expect(expireRound(game, dictionary, rules, 30_999)).toBeUndefined();
    expect(expireRound(game, dictionary, rules, 31_000)?.summary).toMatchObject({
      reason: 'timeout',
      answers: [],
    });
  });

  it('never ends a round without a time limit', () => {
    expect(
      expireRound(createGame(room, dictionary, 0), dictionary, resolveQuizRules(), 1e12),
    ).toBeUndefined();
  });
});

describe('rules and standings', () => {
  it('refuses rules it cannot play', () => {
    expect(() => resolveQuizRules({ answersPerRound: 0 })).toThrow(/answersPerRound/);
    expect(() => resolveQuizRules({ roundTimeLimitMs: -1 })).toThrow(/roundTimeLimitMs/);
    expect(() => resolveQuizRules({ points: [] })).toThrow(/points/);
  });

  it('repeats the last points entry for later answers', () => {
    expect(pointsFor(resolveQuizRules({ points: [5, 2] }), 7)).toBe(2);
  });

  it('ranks by score with shared ranks for ties', () => {
    const standings = rankStandings([
      { playerId: 'a', name: '가', score: 2, answers: 2, connected: true },
      { playerId: 'b', name: '나', score: 5, answers: 5, connected: true },
      { playerId: 'c', name: '다', score: 2, answers: 2, connected: false },
    ]);

    expect(standings.map((entry) => [entry.playerId, entry.rank])).toEqual([
      ['b', 1],
      ['a', 2],
      ['c', 2],
    ]);
  });
});
