import * as z from 'zod';
import { ScoresError } from './errors.js';
import { isValidPlayerId } from './identity.js';

/** Where a leaderboard page ended: the last row's key, how many rows came before the next page, and the last rank. */
export interface LeaderboardCursor {
  board: string;
  playerId: string;
  score: number;
  /** Rows on all pages so far. */
  position: number;
  /** Rank of the last row (the next page's first row shares it when it ties). */
  rank: number;
}

/** Where a history page ended. */
export interface HistoryCursor {
  board: string;
  score: number;
}

const MAX_CURSOR_LENGTH = 1024;
const safeInteger = z.number().refine(Number.isSafeInteger);
const leaderboardCursorSchema = z.strictObject({
  v: z.literal(1),
  b: z.string().min(1).max(64),
  p: z.string().refine(isValidPlayerId),
  s: safeInteger,
  n: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  r: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
});
const historyCursorSchema = z.strictObject({ v: z.literal(1), b: z.string().min(1).max(64), h: safeInteger });

/**
 * Encodes a leaderboard cursor: base64url JSON, opaque to clients.
 *
 * @example
 * ```ts
 * const cursor = encodeLeaderboardCursor({ board: 'global', playerId: 'p1', score: 900, position: 10, rank: 9 });
 * ```
 */
export function encodeLeaderboardCursor(cursor: LeaderboardCursor): string {
  return encode({
    v: 1,
    b: cursor.board,
    p: cursor.playerId,
    s: cursor.score,
    n: cursor.position,
    r: cursor.rank,
  });
}

/**
 * Decodes and validates a leaderboard cursor for `board`; anything else (garbage, edited fields, another
 * board's cursor) is refused.
 *
 * @throws {ScoresError} `INVALID_CURSOR`
 * @example
 * ```ts
 * const start = decodeLeaderboardCursor(query.cursor, 'global');
 * ```
 */
export function decodeLeaderboardCursor(raw: string, board: string): LeaderboardCursor {
  const parsed = leaderboardCursorSchema.safeParse(decode(raw));
  if (!parsed.success || parsed.data.b !== board || parsed.data.r > parsed.data.n) throw invalidCursor();
  const { p, s, n, r } = parsed.data;
  return { board, playerId: p, score: s, position: n, rank: r };
}

/**
 * Encodes a history cursor.
 *
 * @example
 * ```ts
 * const cursor = encodeHistoryCursor({ board: 'global', score: 1200 });
 * ```
 */
export function encodeHistoryCursor(cursor: HistoryCursor): string {
  return encode({ v: 1, b: cursor.board, h: cursor.score });
}

/**
 * Decodes and validates a history cursor for `board`.
 *
 * @throws {ScoresError} `INVALID_CURSOR`
 * @example
 * ```ts
 * const start = decodeHistoryCursor(query.cursor, 'global');
 * ```
 */
export function decodeHistoryCursor(raw: string, board: string): HistoryCursor {
  const parsed = historyCursorSchema.safeParse(decode(raw));
  if (!parsed.success || parsed.data.b !== board) throw invalidCursor();
  return { board, score: parsed.data.h };
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decode(raw: string): unknown {
  if (raw.length === 0 || raw.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw))
    throw invalidCursor();
  try {
    return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
  } catch {
    throw invalidCursor();
  }
}

function invalidCursor(): ScoresError {
  return new ScoresError(
    'INVALID_CURSOR',
    'The cursor is not one this endpoint issued for this board; start from the first page.',
  );
}
