import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WORD_PACK } from './default-word-pack.js';
import { QuizDictionary } from './dictionary.js';
import { parseWordPack } from './word-pack.js';

describe('the default word pack', () => {
  it('is a valid pack of at least 1,000 words', () => {
    expect(parseWordPack(DEFAULT_WORD_PACK)).toHaveLength(DEFAULT_WORD_PACK.length);
    expect(DEFAULT_WORD_PACK.length).toBeGreaterThanOrEqual(1_000);
  });

  it('offers at least 100 playable patterns of 2–3 syllables with 3 or more answers', () => {
    expect(QuizDictionary.from(DEFAULT_WORD_PACK).patterns.length).toBeGreaterThanOrEqual(100);
  });

  it('is data with its source and licence recorded beside it', () => {
    const source = readFileSync(new URL('./words/SOURCE.md', import.meta.url), 'utf8');
    const json = JSON.parse(
      readFileSync(new URL('./words/default.json', import.meta.url), 'utf8'),
    ) as unknown;

    expect(json).toEqual([...DEFAULT_WORD_PACK]);
    expect(source).toMatch(/CC0-1\.0/);
    expect(source).toContain(String(DEFAULT_WORD_PACK.length.toLocaleString('en-US')));
  });
});
