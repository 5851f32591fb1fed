import { isBetterScore } from './board-settings.js';
import type { BoardOrder, LeaderboardEntry } from './types.js';

/** A player's row as read from the score index. */
export interface ScoreRow {
  playerId: string;
  name?: string;
  score: number;
  scoredAt?: string;
}

/** The rows before a page (from its cursor): how many, and the last one's score and rank. */
export interface PagePredecessor {
  position: number;
  score: number;
  rank: number;
}

/**
 * Competition ranks ("1224") for one page of rows in leaderboard order: a row that ties the row before it shares
 * its rank, any other row's rank is its position. Exact for a board that does not change between pages.
 *
 * @param previous where the previous page ended (from the cursor); absent on the first page.
 * @example
 * ```ts
 * rankPage([{ playerId: 'a', score: 9 }, { playerId: 'b', score: 9 }, { playerId: 'c', score: 7 }]);
 * // ranks 1, 1, 3
 * ```
 */
export function rankPage(rows: readonly ScoreRow[], previous?: PagePredecessor): LeaderboardEntry[] {
  const entries: LeaderboardEntry[] = [];
  let position = previous?.position ?? 0;
  let last: { score: number; rank: number } | undefined = previous;
  for (const row of rows) {
    position += 1;
    const rank = last !== undefined && last.score === row.score ? last.rank : position;
    entries.push(toEntry(row, rank));
    last = { score: row.score, rank };
  }
  return entries;
}

/**
 * The neighbourhood of a player as read from the score index: the rows just above and just below, each
 * nearest first, read with a `Limit` of `radius`.
 */
export interface AroundWindow {
  order: BoardOrder;
  player: ScoreRow;
  /** Rows ranked above the player (ties first, then better), nearest first. */
  above: readonly ScoreRow[];
  /** Rows ranked below the player (ties first, then worse), nearest first. */
  below: readonly ScoreRow[];
  /** The `Limit` used for each side; 0 when the sides were not read. */
  radius: number;
}

/** Counts the window alone cannot give; each is a `Select: 'COUNT'` Query on the score index. */
export interface AroundCounts {
  /** Rows with a strictly better score than the player. */
  betterThanPlayer?: number;
  /** Rows with exactly the player's score, the player included. */
  tiedWithPlayer?: number;
  /** Rows with exactly the score of the farthest row above. */
  tiedWithTop?: number;
}

/** Which counts {@link rankAround} needs for a window (`tiedWithTop` names the score to count). */
export interface AroundCountsNeeded {
  betterThanPlayer: boolean;
  tiedWithPlayer: boolean;
  tiedWithTop?: number;
}

/**
 * Which counts a window needs. The player's rank needs the number of rows above it — free when the upper side
 * reached the top of the board, else a count Query over every index entry above the player (O(rank) read
 * capacity). Neighbours below need the size of the player's tie group, and the farthest group above needs its
 * own size, each only when the window cuts through it (O(tie group)).
 *
 * @example
 * ```ts
 * const needed = aroundCountsNeeded(window);
 * if (needed.betterThanPlayer) counts.betterThanPlayer = await countBetter(window.player.score);
 * ```
 */
export function aroundCountsNeeded(window: AroundWindow): AroundCountsNeeded {
  const shape = describe(window);
  const belowHasWorse = shape.tiesBelow < window.below.length;
  const tieGroupBounded = shape.tiesAbove < window.above.length || shape.aboveComplete;
  const top = window.above.at(-1);
  return {
    betterThanPlayer: !shape.aboveComplete,
    tiedWithPlayer: belowHasWorse && !tieGroupBounded,
    ...(!shape.aboveComplete && top !== undefined && top.score !== window.player.score
      ? { tiedWithTop: top.score }
      : {}),
  };
}

/**
 * Competition ranks of a player and its neighbours, exact with ties (rank = 1 + rows strictly better).
 *
 * @param counts the counts {@link aroundCountsNeeded} asked for.
 * @returns the player's entry, the rows above (best first) and below (best first).
 * @throws {Error} when a needed count is missing (a programming error).
 * @example
 * ```ts
 * const { player, above, below } = rankAround(window, { betterThanPlayer: 41 });
 * ```
 */
export function rankAround(
  window: AroundWindow,
  counts: AroundCounts,
): { player: LeaderboardEntry; above: LeaderboardEntry[]; below: LeaderboardEntry[] } {
  const { order, player } = window;
  const shape = describe(window);
  const needed = aroundCountsNeeded(window);
  const better = (a: number, b: number): boolean => isBetterScore(order, a, b);
  const betterThanPlayer = needed.betterThanPlayer
    ? required(counts.betterThanPlayer, 'betterThanPlayer')
    : window.above.length - shape.tiesAbove;
  const playerRank = 1 + betterThanPlayer;

  const above = window.above.map((row) => {
    if (row.score === player.score) return toEntry(row, playerRank);
    // Rows strictly better than the player but not better than `row` are all in the window, except the
    // farthest group, which may continue past it.
    const between = window.above.filter(
      (other) => better(other.score, player.score) && !better(other.score, row.score),
    ).length;
    if (needed.tiedWithTop !== undefined && row.score === needed.tiedWithTop) {
      const inWindowTies = window.above.filter((other) => other.score === row.score).length;
      const tiedWithTop = required(counts.tiedWithTop, 'tiedWithTop');
      return toEntry(row, 1 + betterThanPlayer - (between - inWindowTies) - tiedWithTop);
    }
    return toEntry(row, 1 + betterThanPlayer - between);
  });

  const tiedWithPlayer = needed.tiedWithPlayer
    ? required(counts.tiedWithPlayer, 'tiedWithPlayer')
    : shape.tiesAbove + 1 + shape.tiesBelow;
  const below = window.below.map((row) => {
    if (row.score === player.score) return toEntry(row, playerRank);
    const between = window.below.filter(
      (other) => better(player.score, other.score) && better(other.score, row.score),
    ).length;
    return toEntry(row, 1 + betterThanPlayer + tiedWithPlayer + between);
  });

  return { player: toEntry(player, playerRank), above: above.reverse(), below };
}

function describe(window: AroundWindow): { aboveComplete: boolean; tiesAbove: number; tiesBelow: number } {
  const leadingTies = (rows: readonly ScoreRow[]): number => {
    const index = rows.findIndex((row) => row.score !== window.player.score);
    return index === -1 ? rows.length : index;
  };
  return {
    aboveComplete: window.radius > 0 && window.above.length < window.radius,
    tiesAbove: leadingTies(window.above),
    tiesBelow: leadingTies(window.below),
  };
}

function required(value: number | undefined, name: string): number {
  if (value === undefined) throw new Error(`rankAround needs counts.${name}`);
  return value;
}

function toEntry(row: ScoreRow, rank: number): LeaderboardEntry {
  return {
    rank,
    playerId: row.playerId,
    ...(row.name === undefined ? {} : { name: row.name }),
    score: row.score,
    ...(row.scoredAt === undefined ? {} : { scoredAt: row.scoredAt }),
  };
}
