/**
 * The JSON shapes the score endpoints answer with. Shared by the handlers (which produce them) and
 * `ScoreClient` (which returns them); type-only, browser-safe.
 */

/** How a board keeps a player's score: the best one so far, or the latest one (an overwrite on every play). */
export type BoardMode = 'best' | 'latest';

/** Which scores are better: `desc` (higher is better, e.g. points) or `asc` (lower is better, e.g. race times). */
export type BoardOrder = 'desc' | 'asc';

/** What `POST /scoreboard` answers: the player's item after the submission. */
export interface SubmitScoreResult {
  board: string;
  playerId: string;
  /** Display name, if the player ever sent one. */
  name?: string;
  /** The score the board ranks the player by (best or latest, per the board's mode). */
  score: number;
  /** The score just submitted. */
  lastScore: number;
  /** How many scores the player has submitted on this board, this one included. */
  plays: number;
  /** True when this submission became the ranked `score` (always true on `latest` boards). */
  improved: boolean;
  /** ISO 8601 time the ranked `score` was set. */
  scoredAt: string;
  /** ISO 8601 time of this submission. */
  updatedAt: string;
}

/** One row of a leaderboard. */
export interface LeaderboardEntry {
  /** Competition rank ("1224"): 1 + the number of players with a strictly better score. Ties share a rank. */
  rank: number;
  playerId: string;
  name?: string;
  score: number;
  /** ISO 8601 time the score was set. */
  scoredAt?: string;
}

/** What `GET /scoreboard?board&limit&cursor` answers. */
export interface LeaderboardPage {
  board: string;
  order: BoardOrder;
  entries: LeaderboardEntry[];
  /** Pass back as `cursor` for the next page; absent on the last page. Opaque. */
  cursor?: string;
}

/** What `GET /scoreboard?around=<player>&radius=<n>` answers. */
export interface AroundResult {
  board: string;
  order: BoardOrder;
  /** The player's own row, with their exact rank. */
  player: LeaderboardEntry;
  /** Up to `radius` rows ranked just above the player, best first. */
  above: LeaderboardEntry[];
  /** Up to `radius` rows ranked just below the player, best first. */
  below: LeaderboardEntry[];
}

/** One bar of a score distribution: how many plays ended with `score`. */
export interface ScoreBucket {
  score: number;
  count: number;
}

/** What `GET /scorehistory?board&limit&cursor` answers: the distribution of every score played, by score ascending. */
export interface ScoreHistoryPage {
  board: string;
  buckets: ScoreBucket[];
  /** Pass back as `cursor` for the next page; absent on the last page. Opaque. */
  cursor?: string;
}
