import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { ScoresError } from './errors.js';
import { isValidPlayerId } from './identity.js';
import { MAX_BOARD_SHARDS } from './partition-keys.js';
import type { ResolvedScoreTables } from './table.js';

/**
 * Where a leaderboard page ended: the last row (its score, shard and player), how many rows came before the next
 * page, and the last rank. With the merge order (score, then shard, then index order inside a shard) this one row
 * fixes every shard's position: shards before its shard resume after its score, shards after it at its score,
 * its own shard right after the row.
 */
export interface LeaderboardCursor {
  board: string;
  /** The board's shard count when the cursor was issued (a cursor of another layout is refused). */
  shards: number;
  shard: number;
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

/** Encodes and checks cursors, signed with one key. */
export interface CursorCodec {
  encodeLeaderboard(cursor: LeaderboardCursor): string;
  /** @throws {ScoresError} `INVALID_CURSOR` */
  decodeLeaderboard(raw: string, board: string, shards: number): LeaderboardCursor;
  encodeHistory(cursor: HistoryCursor): string;
  /** @throws {ScoresError} `INVALID_CURSOR` */
  decodeHistory(raw: string, board: string): HistoryCursor;
}

/** Environment variable holding the cursor key when no `cursorKey` option is given. */
export const CURSOR_KEY_ENV = 'SCORES_CURSOR_KEY';

const MAX_CURSOR_LENGTH = 1024;
const TAG_BYTES = 16;
/** Far above any board's row count, far below 2^53: positions and ranks stay exact integers. */
const MAX_POSITION = 1e12;
const safeInteger = z.number().refine(Number.isSafeInteger);
const position = z.number().int().min(1).max(MAX_POSITION);
const leaderboardCursorSchema = z.strictObject({
  v: z.literal(2),
  b: z.string().min(1).max(64),
  N: z.number().int().min(1).max(MAX_BOARD_SHARDS),
  k: z
    .number()
    .int()
    .min(0)
    .max(MAX_BOARD_SHARDS - 1),
  p: z.string().refine(isValidPlayerId),
  s: safeInteger,
  n: position,
  r: position,
});
const historyCursorSchema = z.strictObject({ v: z.literal(2), b: z.string().min(1).max(64), h: safeInteger });

/**
 * The cursor signing key: the `cursorKey` option (≥ 16 bytes), else the `SCORES_CURSOR_KEY` environment variable,
 * else a key derived from the deployment (region, function name and table names). The derived key binds cursors
 * to the deployment but is not secret; production deployments should set a random secret, and `warn` (the
 * handler's logger, once per cold start) is told when the derived key is used.
 *
 * @throws {ScoresError} `INVALID_OPTIONS` for a key shorter than 16 bytes.
 * @example
 * ```ts
 * const key = resolveCursorKey(options.cursorKey, [tables.scoresTable]);
 * ```
 */
export function resolveCursorKey(
  option: string | Uint8Array | undefined,
  deployment: string[],
  warn?: (message: string) => void,
): Uint8Array {
  const configured = option ?? process.env[CURSOR_KEY_ENV];
  if (configured !== undefined && configured !== '') {
    const bytes = typeof configured === 'string' ? Buffer.from(configured, 'utf8') : Buffer.from(configured);
    if (bytes.length < 16)
      throw new ScoresError('INVALID_OPTIONS', 'cursorKey must be at least 16 bytes (a random secret).');
    return bytes;
  }
  warn?.(
    `scores: no cursorKey option and no ${CURSOR_KEY_ENV} variable; cursors are signed with a key derived from the ` +
      'deployment, which binds them to it but is not secret. Set a random secret of at least 16 bytes.',
  );
  return createHash('sha256')
    .update(
      JSON.stringify([
        'serverless-game-kit cursor',
        process.env.AWS_REGION ?? '',
        process.env.AWS_LAMBDA_FUNCTION_NAME ?? '',
        ...deployment,
      ]),
    )
    .digest();
}

/**
 * A handler's cursor codec: signed with the `cursorKey` option, else as {@link resolveCursorKey} says, with the
 * score tables as the deployment the derived key binds cursors to.
 *
 * @throws {ScoresError} `INVALID_OPTIONS` for a key shorter than 16 bytes.
 * @example
 * ```ts
 * const cursors = handlerCursorCodec(options.cursorKey, tables, (message) => log.warn(message));
 * ```
 */
export function handlerCursorCodec(
  option: string | Uint8Array | undefined,
  tables: ResolvedScoreTables,
  warn: (message: string) => void,
): CursorCodec {
  return createCursorCodec(
    resolveCursorKey(option, [tables.scoresTable, tables.scoreIndex, tables.distributionTable], warn),
  );
}

/**
 * Cursors as `<base64url JSON>.<base64url HMAC-SHA256 tag, 128 bits>`: opaque to clients, and any edit — a field,
 * the board, a byte of the tag — is refused with `INVALID_CURSOR`.
 *
 * @example
 * ```ts
 * const cursors = createCursorCodec(resolveCursorKey(undefined, ['GameScores']));
 * const raw = cursors.encodeHistory({ board: 'global', score: 1200 });
 * cursors.decodeHistory(raw, 'global'); // { board: 'global', score: 1200 }
 * ```
 */
export function createCursorCodec(key: Uint8Array): CursorCodec {
  const tag = (payload: string): Buffer =>
    createHmac('sha256', key).update(payload).digest().subarray(0, TAG_BYTES);
  const seal = (value: unknown): string => {
    const payload = Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
    return `${payload}.${tag(payload).toString('base64url')}`;
  };
  const open = (raw: string): unknown => {
    if (raw.length === 0 || raw.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(raw))
      throw invalidCursor();
    const [payload = '', signature = ''] = raw.split('.');
    const given = Buffer.from(signature, 'base64url');
    if (
      given.length !== TAG_BYTES ||
      given.toString('base64url') !== signature ||
      !timingSafeEqual(given, tag(payload))
    )
      throw invalidCursor();
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    } catch {
      throw invalidCursor();
    }
  };
  return {
    encodeLeaderboard: (cursor) =>
      seal({
        v: 2,
        b: cursor.board,
        N: cursor.shards,
        k: cursor.shard,
        p: cursor.playerId,
        s: cursor.score,
        n: cursor.position,
        r: cursor.rank,
      }),
    decodeLeaderboard(raw, board, shards) {
      const parsed = leaderboardCursorSchema.safeParse(open(raw));
      if (
        !parsed.success ||
        parsed.data.b !== board ||
        parsed.data.N !== shards ||
        parsed.data.k >= shards ||
        parsed.data.r > parsed.data.n
      )
        throw invalidCursor();
      const { N, k, p, s, n, r } = parsed.data;
      return { board, shards: N, shard: k, playerId: p, score: s, position: n, rank: r };
    },
    encodeHistory: (cursor) => seal({ v: 2, b: cursor.board, h: cursor.score }),
    decodeHistory(raw, board) {
      const parsed = historyCursorSchema.safeParse(open(raw));
      if (!parsed.success || parsed.data.b !== board) throw invalidCursor();
      return { board, score: parsed.data.h };
    },
  };
}

function invalidCursor(): ScoresError {
  return new ScoresError(
    'INVALID_CURSOR',
    'The cursor is not one this endpoint issued for this board; start from the first page.',
  );
}
