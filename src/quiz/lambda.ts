/**
 * `serverless-game-kit/quiz/lambda`: the WebSocket Lambda handler of the realtime choseong quiz, its tables, and
 * word pack sources. Server side (Node.js, AWS SDK v3).
 */
export { createQuizSocketHandler } from './socket-handler.js';
export type { QuizSocketEvent, QuizSocketHandler, QuizSocketResult } from './socket-handler.js';
export { DEFAULT_QUIZ_RATE_LIMITS } from './socket-options.js';
export type { QuizLogEntry, QuizRateLimitOptions, QuizSocketHandlerOptions } from './socket-options.js';
export type { LogFields, Logger, LogLevel } from '../core/logger.js';
export type { TokenBucketLimit } from './socket/rate-limit.js';
export { DEFAULT_QUIZ_TABLE_NAMES, quizTables } from './tables.js';
export type { QuizTableNames } from './tables.js';
export { DEFAULT_WORD_PACK } from './default-word-pack.js';
export { wordPackFromFile, wordPackFromS3, wordPackFromTable } from './word-pack-sources.js';
export type { S3WordPackOptions, TableWordPackOptions, WordPackSource } from './word-pack-sources.js';
export { createJwtTokenVerifier, guestPlayerId } from './player-identity.js';
export type { JwtTokenVerifierOptions, TokenVerifier, VerifiedPlayer } from './player-identity.js';
export type { PublicJwk } from '../core/jwk.js';
export { chatSortKey } from './room-store.js';
export { QuizError, isQuizError } from './errors.js';
export type { QuizErrorCode, WordPackIssue } from './errors.js';
export { parseWordPack } from './word-pack.js';
export { QuizDictionary } from './dictionary.js';
export type { QuizPatternOptions } from './dictionary.js';
export { resolveQuizRules } from './game.js';
export type { QuizRules, QuizRulesOptions } from './game.js';
