/**
 * What every route of the socket handler works with, wired once by `createQuizSocketHandler`.
 */
import type { QuizDictionary } from '../../dictionary.js';
import type { QuizRules } from '../../game.js';
import type { TokenVerifier } from '../../player-identity.js';
import type { QuizStore } from '../../room-store.js';
import type { QuizLogEntry, QuizSocketSettings } from '../../socket-options.js';
import type { BroadcasterPool } from '../broadcaster-pool.js';
import type { ConnectionCache } from '../connection-cache.js';
import type { QuizRateLimiter } from '../rate-limiter.js';
import type { RoomReader } from '../room-snapshot.js';
import type { RoundCommits } from '../round-commits.js';

/** The parts a route needs; tests may build their own. */
export interface RouteDeps {
  settings: QuizSocketSettings;
  rules: QuizRules;
  store: QuizStore;
  dictionary: () => Promise<QuizDictionary>;
  connections: ConnectionCache;
  posts: BroadcasterPool;
  rooms: RoomReader;
  rounds: RoundCommits;
  verifyToken?: TokenVerifier;
  /** Absent when rate limits are off. */
  limiter?: QuizRateLimiter;
  now: () => number;
  log: (entry: QuizLogEntry) => void;
}
