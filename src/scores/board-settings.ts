import * as z from 'zod';
import { BOARD_NAME_PATTERN } from './board-name.js';
import { ScoresError } from './errors.js';
import { MAX_BOARD_SHARDS } from './partition-keys.js';
import type { BoardMode, BoardOrder } from './types.js';

/** How one board (or a family of boards, e.g. `daily#*`) keeps and ranks scores. */
export interface BoardSettings {
  /** Default `'best'`. */
  mode?: BoardMode;
  /** Default `'desc'` (higher is better). */
  order?: BoardOrder;
  /**
   * Write shards: the board's players are spread over this many partition keys (by a hash of the player id), each
   * taking up to 1,000 WCU/s of submissions. Default 1 (the board name is the key; nothing extra to pay). A top-N
   * read queries every shard (about 0.5 RCU each), so pick the smallest N with N × 1,000 ≥ the peak submissions
   * per second (×2 for boards where most plays set a new best). 1–256. See docs/scores.md, "Sizing".
   */
  shards?: number;
}

/** Board settings with every default filled in. */
export interface ResolvedBoardSettings {
  mode: BoardMode;
  order: BoardOrder;
  shards: number;
}

/**
 * Board name → settings. A key ending in `*` is a prefix pattern (`'daily#*'` matches `daily#2026-11-21`); an
 * exact key wins over patterns, and a longer prefix over a shorter one. Boards that match nothing are refused
 * with `UNKNOWN_BOARD`. Default: `{ global: { mode: 'best', order: 'desc' } }`.
 */
export type BoardCatalog = Record<string, BoardSettings>;

export { BOARD_NAME_PATTERN };

/** zod schema of a board name (see {@link BOARD_NAME_PATTERN}). */
export const boardNameSchema = z
  .string()
  .regex(
    BOARD_NAME_PATTERN,
    'A board name has 1-64 letters, digits or _ . : # - and starts with a letter or digit.',
  );

const boardSettingsSchema = z.strictObject({
  mode: z.enum(['best', 'latest']).optional(),
  order: z.enum(['desc', 'asc']).optional(),
  shards: z.number().int().min(1).max(MAX_BOARD_SHARDS, `shards is at most ${MAX_BOARD_SHARDS}`).optional(),
});

/** The board catalog used when none is given: one `global` board keeping each player's best, higher is better. */
export const DEFAULT_BOARDS: Readonly<BoardCatalog> = Object.freeze({
  global: { mode: 'best', order: 'desc' },
});

/** A validated catalog that answers "which settings does this board use?". */
export interface BoardResolver {
  /** Settings of `board`, or `undefined` when no key matches it. */
  settingsOf(board: string): ResolvedBoardSettings | undefined;
}

/**
 * Validates a board catalog (at factory time) and returns its resolver.
 *
 * @throws {ScoresError} `INVALID_OPTIONS` for a malformed key or setting.
 * @example
 * ```ts
 * const boards = createBoardResolver({ global: {}, 'daily#*': { mode: 'latest' } });
 * boards.settingsOf('daily#2026-11-21'); // { mode: 'latest', order: 'desc', shards: 1 }
 * ```
 */
export function createBoardResolver(catalog: BoardCatalog = DEFAULT_BOARDS): BoardResolver {
  if (typeof catalog !== 'object' || catalog === null || Object.keys(catalog).length === 0) {
    throw new ScoresError('INVALID_OPTIONS', 'boards must name at least one board (e.g. { global: {} }).');
  }
  const exact = new Map<string, ResolvedBoardSettings>();
  const prefixes: Array<{ prefix: string; settings: ResolvedBoardSettings }> = [];
  for (const [key, value] of Object.entries(catalog)) {
    const parsed = boardSettingsSchema.safeParse(value ?? {});
    if (!parsed.success) {
      throw new ScoresError(
        'INVALID_OPTIONS',
        `boards["${key}"]: ${parsed.error.issues[0]?.message ?? 'invalid'}.`,
      );
    }
    const settings: ResolvedBoardSettings = {
      mode: parsed.data.mode ?? 'best',
      order: parsed.data.order ?? 'desc',
      shards: parsed.data.shards ?? 1,
    };
    if (key.endsWith('*')) {
      const prefix = key.slice(0, -1);
      if (prefix !== '' && !BOARD_NAME_PATTERN.test(prefix)) {
        throw new ScoresError(
          'INVALID_OPTIONS',
          `boards["${key}"]: the prefix is not a valid board name start.`,
        );
      }
      prefixes.push({ prefix, settings });
    } else {
      if (!BOARD_NAME_PATTERN.test(key)) {
        throw new ScoresError('INVALID_OPTIONS', `boards["${key}"]: not a valid board name.`);
      }
      exact.set(key, settings);
    }
  }
  prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  return {
    settingsOf(board) {
      if (!BOARD_NAME_PATTERN.test(board)) return undefined;
      const found = exact.get(board);
      if (found) return found;
      return prefixes.find((entry) => board.startsWith(entry.prefix))?.settings;
    },
  };
}

/** The board catalog and the default board every score handler takes, validated together. */
export interface BoardOptions {
  boards?: BoardCatalog;
  /** Board of a request that names none; default `'global'`. */
  defaultBoard?: string;
}

/**
 * Validates a handler's `boards` and `defaultBoard` (at factory time): the default board must be in the catalog.
 *
 * @throws {ScoresError} `INVALID_OPTIONS`
 * @example
 * ```ts
 * const { boards, defaultBoard } = resolveBoardOptions({ boards: { global: {} } });
 * ```
 */
export function resolveBoardOptions(options: BoardOptions): { boards: BoardResolver; defaultBoard: string } {
  const boards = createBoardResolver(options.boards);
  const defaultBoard = options.defaultBoard ?? 'global';
  if (!boards.settingsOf(defaultBoard)) {
    throw new ScoresError('INVALID_OPTIONS', `defaultBoard "${defaultBoard}" matches no entry of boards.`);
  }
  return { boards, defaultBoard };
}

/**
 * True when `candidate` ranks strictly better than `reference` on a board of `order`.
 *
 * @example
 * ```ts
 * isBetterScore('asc', 41.2, 45); // true: lower is better
 * ```
 */
export function isBetterScore(order: BoardOrder, candidate: number, reference: number): boolean {
  return order === 'desc' ? candidate > reference : candidate < reference;
}
