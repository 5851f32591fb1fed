import { describe, expect, it } from 'vitest';
import type { ScoresError } from './errors.js';
import { createSubmitBodyParser, DEFAULT_SUBMIT_LIMITS } from './submit-body.js';

const parse = createSubmitBodyParser(DEFAULT_SUBMIT_LIMITS);

function codeOf(body: unknown): string | undefined {
  try {
    parse(body);
    return undefined;
  } catch (error) {
    return (error as ScoresError).code;
  }
}

describe('createSubmitBodyParser', () => {
  it('accepts a score with a board and a display name, normalizing the name', () => {
    expect(parse({ score: 10, board: 'season-3', name: '  토끼   Kim ' })).toEqual({
      score: 10,
      board: 'season-3',
      name: '토끼 Kim',
    });
  });

  it('accepts the bounds themselves', () => {
    expect([parse({ score: 0 }).score, parse({ score: 1_000_000_000 }).score]).toEqual([0, 1_000_000_000]);
  });

  it.each([
    [{ score: Number.NaN }, 'INVALID_SCORE'],
    [{ score: Number.POSITIVE_INFINITY }, 'INVALID_SCORE'],
    [{ score: 1_000_000_001 }, 'INVALID_SCORE'],
    [{ score: '1' }, 'INVALID_SCORE'],
    [{}, 'INVALID_SCORE'],
    [{ score: 1, username: 'x' }, 'INVALID_BODY'],
    ['score', 'INVALID_BODY'],
    [null, 'INVALID_BODY'],
    [{ score: 1, name: 5 }, 'INVALID_NAME'],
    [{ score: 1, name: 'a\u0000b' }, 'INVALID_NAME'],
    [{ score: 1, board: '' }, 'INVALID_BOARD'],
  ])('refuses %j with %s', (body, code) => {
    expect(codeOf(body)).toBe(code);
  });

  it('counts name length in characters, not UTF-16 units', () => {
    const parseShort = createSubmitBodyParser({ ...DEFAULT_SUBMIT_LIMITS, maxNameLength: 2 });

    expect(parseShort({ score: 1, name: '𝒜𝒜' }).name).toBe('𝒜𝒜');
  });
});
