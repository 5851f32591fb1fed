/**
 * WebSocket close codes `QuizRoom` uses and reports in `onLeave`: the standard ones it may see, and its own
 * application codes (4000–4999 are reserved for applications by RFC 6455).
 *
 * @example
 * ```ts
 * import { QuizCloseCode } from 'serverless-game-kit/quiz';
 *
 * room.onLeave(({ code }) => {
 *   if (code === QuizCloseCode.ReconnectFailed) showOfflineBanner();
 * });
 * ```
 */
export const QuizCloseCode = {
  /** Standard: a normal closure. */
  NormalClosure: 1000,
  /** Standard: the server went away (API Gateway's idle timeout and 2-hour limit use it). */
  GoingAway: 1001,
  /** Standard: the connection dropped without a close frame. */
  AbnormalClosure: 1006,
  /**
   * Standard: policy violation. The server disconnected this client for flooding (it says so in a
   * `RATE_LIMITED` error with `closeCode` 1008 before `DeleteConnection`, which itself closes with 1000).
   */
  PolicyViolation: 1008,
  /** Standard: a frame or message was too big for the gateway. */
  MessageTooBig: 1009,
  /** `leave()` was called. */
  Left: 4000,
  /** The first connection closed before the room's state arrived (refused handshake, server down). */
  JoinFailed: 4001,
  /** No state arrived within `joinTimeoutMs` after connecting. */
  JoinTimeout: 4002,
  /** No `pong` arrived within `pongTimeoutMs` after a heartbeat `ping`. */
  HeartbeatTimeout: 4003,
  /** A planned reconnect before API Gateway's 2-hour connection limit. */
  Recycle: 4004,
  /** Reconnecting gave up after `reconnect.maxAttempts` attempts. */
  ReconnectFailed: 4005,
} as const;

/** One of the {@link QuizCloseCode} values. */
export type QuizCloseCode = (typeof QuizCloseCode)[keyof typeof QuizCloseCode];
