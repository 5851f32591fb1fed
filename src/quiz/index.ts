/**
 * `serverless-game-kit/quiz`: realtime Korean choseong quiz rooms — the `QuizRoom` client (browser and Node),
 * the wire protocol, and the pure game rules. Browser-safe: no Node built-ins, no AWS SDK. The Lambda handler
 * is in `serverless-game-kit/quiz/lambda`.
 */
export { QuizRoom } from './client.js';
export type {
  LeaveEvent,
  QuizRoomOptions,
  QuizRoomStatus,
  QuizTimers,
  ReconnectingEvent,
  WebSocketConstructor,
  WebSocketLike,
} from './client.js';
export { QuizCloseCode } from './close-codes.js';
export { backoffDelay, reconnectDelay } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { createSignal } from './signal.js';
export type { Signal, Unsubscribe } from './signal.js';
export { CLIENT_CHAT_HISTORY, applyChat, applyPresence } from './state-reducer.js';
export { QuizError, isQuizError } from './errors.js';
export type { QuizErrorCode, WordPackIssue } from './errors.js';
export {
  MAX_MESSAGE_BYTES,
  MAX_TEXT_LENGTH,
  QUIZ_ACTIONS,
  clientMessageSchema,
  parseServerFrame,
  serverEventSchema,
} from './protocol.js';
export type {
  ChatEvent,
  ChatLine,
  ClientMessage,
  CorrectEvent,
  ErrorEvent,
  PlayerStanding,
  PongEvent,
  PresenceEvent,
  QuizAction,
  QuizEventErrorCode,
  QuizState,
  RoundAnswer,
  RoundSummary,
  ServerEvent,
} from './protocol.js';
export { MAX_WORD_SYLLABLES, MIN_WORD_SYLLABLES, parseWordPack } from './word-pack.js';
export { QuizDictionary } from './dictionary.js';
export type { QuizPatternOptions } from './dictionary.js';
export {
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
export type {
  AcceptedAnswer,
  AnswerVerdict,
  PlayerScore,
  QuizRules,
  QuizRulesOptions,
  RoomGame,
} from './game.js';
