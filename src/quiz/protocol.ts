/**
 * The quiz's wire format, shared by the socket handler and `QuizRoom`: what a client may send (actions) and what
 * the server sends back (events). Browser-safe.
 *
 * Each client frame is one JSON action. Each server frame is one JSON event object, or a JSON array of events
 * to handle in order: a round change goes out as `[chat, correct, state]` in one `PostToConnection` per
 * connection instead of three.
 */
// zod/mini keeps this browser-facing module small (tree-shakable functions instead of methods).
import * as z from 'zod/mini';

/** Largest client message the server reads, in UTF-8 bytes after trimming surrounding whitespace. */
export const MAX_MESSAGE_BYTES = 4096;

/** Longest chat text, in characters (UTF-16 code units) after trimming. */
export const MAX_TEXT_LENGTH = 500;

/** The actions a client can send. */
export const QUIZ_ACTIONS = ['sync', 'chat', 'ping'] as const;

/** One of {@link QUIZ_ACTIONS}. */
export type QuizAction = (typeof QUIZ_ACTIONS)[number];

/** `{"action":"sync"}`: the sender gets the full `state`. */
export const syncMessageSchema = z.object({ action: z.literal('sync') });

/**
 * `{"action":"chat","text":"사람","round":7}`: a chat line, also checked as an answer. `round` (optional) is the
 * round the sender was answering; a late answer to an already-won round is then told `ROUND_TAKEN`.
 */
export const chatMessageSchema = z.object({
  action: z.literal('chat'),
  text: z.string(),
  round: z.optional(z.int().check(z.nonnegative())),
});

/** `{"action":"ping","id":3}`: answered by `pong` with the same `id`. */
export const pingMessageSchema = z.object({
  action: z.literal('ping'),
  id: z.optional(z.union([z.string().check(z.maxLength(64)), z.number()])),
});

/** Any client message. */
export const clientMessageSchema = z.discriminatedUnion('action', [
  syncMessageSchema,
  chatMessageSchema,
  pingMessageSchema,
]);

/** A message a client sends, after validation. */
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/**
 * Codes of the `error` event:
 * - `INVALID_JSON`, `INVALID_MESSAGE`, `UNKNOWN_ACTION`, `MESSAGE_TOO_LARGE`, `BINARY_NOT_SUPPORTED`: the frame
 *   could not be read; nothing changed.
 * - `EMPTY_TEXT`, `TEXT_TOO_LONG`: a chat text that is blank after trimming, or longer than
 *   {@link MAX_TEXT_LENGTH}; nothing was stored.
 * - `NOT_JOINED`: the connection is not (or no longer) in a room; reconnect.
 * - `ROUND_TAKEN`: a correct answer arrived after someone else won the round.
 * - `WORD_ALREADY_USED`: that word already answered this round.
 * - `BUSY`: the answer could not be recorded under contention; send it again.
 * - `RATE_LIMITED`: too many messages or chat lines; the frame was dropped unseen. Wait `retryAfterMs`. With
 *   `closeCode` 1008 the server disconnects the client for flooding.
 * - `INTERNAL`: a server-side failure (logged); nothing is known to have changed.
 */
export type QuizEventErrorCode =
  | 'INVALID_JSON'
  | 'INVALID_MESSAGE'
  | 'UNKNOWN_ACTION'
  | 'MESSAGE_TOO_LARGE'
  | 'BINARY_NOT_SUPPORTED'
  | 'EMPTY_TEXT'
  | 'TEXT_TOO_LONG'
  | 'NOT_JOINED'
  | 'ROUND_TAKEN'
  | 'WORD_ALREADY_USED'
  | 'BUSY'
  | 'RATE_LIMITED'
  | 'INTERNAL';

const playerIdSchema = z.string().check(z.minLength(1), z.maxLength(128));

/** One accepted answer of a round. */
export const roundAnswerSchema = z.object({
  playerId: playerIdSchema,
  name: z.string(),
  word: z.string(),
  points: z.number(),
});

/** A round's accepted answer: who, which word, how many points. */
export type RoundAnswer = z.infer<typeof roundAnswerSchema>;

/** How a finished round went. */
export const roundSummarySchema = z.object({
  round: z.int(),
  pattern: z.string(),
  /** `'answered'`: enough correct answers; `'timeout'`: the time limit ran out first. */
  reason: z.enum(['answered', 'timeout']),
  answers: z.array(roundAnswerSchema),
  /** How many dictionary words fit the pattern. */
  possibleAnswers: z.int(),
  /** A few words that fit and were not given, to show after the round. */
  otherAnswers: z.array(z.string()),
  startedAt: z.number(),
  endedAt: z.number(),
});

/** Summary of a finished round. */
export type RoundSummary = z.infer<typeof roundSummarySchema>;

/** A player as the state lists them. */
export const playerStandingSchema = z.object({
  playerId: playerIdSchema,
  name: z.string(),
  score: z.number(),
  answers: z.int(),
  /** 1 for the best score; players with equal scores share a rank. */
  rank: z.int(),
  /** Whether the player has an open connection to the room. */
  connected: z.boolean(),
});

/** A player's standing in a room's game. */
export type PlayerStanding = z.infer<typeof playerStandingSchema>;

/** A stored chat line as events carry it. */
export const chatLineSchema = z.object({
  id: z.string(),
  playerId: playerIdSchema,
  name: z.string(),
  text: z.string(),
  /** Server time in epoch milliseconds. */
  ts: z.number(),
});

/** A chat line. */
export type ChatLine = z.infer<typeof chatLineSchema>;

/** `state`: the whole room, sent to a client that asked (`sync`) and to everyone when a round changes. */
export const stateEventSchema = z.object({
  type: z.literal('state'),
  roomId: z.string(),
  round: z.int(),
  pattern: z.string(),
  roundStartedAt: z.number(),
  /** When the round's time limit runs out (epoch ms); absent without a time limit. */
  roundEndsAt: z.optional(z.number()),
  /** Correct answers that end a round. */
  answersPerRound: z.int(),
  /** Answers accepted so far this round (their words cannot be used again this round). */
  answers: z.array(roundAnswerSchema),
  /** Standings, best first, capped at the server's `maxPlayersInState`. */
  players: z.array(playerStandingSchema),
  /** Distinct players connected now. */
  playerCount: z.int(),
  /** Recent chat, oldest first. */
  chat: z.array(chatLineSchema),
  lastRound: z.optional(roundSummarySchema),
  /** Only in the reply to your own `sync`: who the server thinks you are. */
  self: z.optional(z.object({ playerId: playerIdSchema, name: z.string() })),
  serverTime: z.number(),
});

/** The `state` event. */
export type QuizState = z.infer<typeof stateEventSchema>;

/** `chat`: a chat line, to everyone in the room (the sender included). */
export const chatEventSchema = z.extend(chatLineSchema, {
  type: z.literal('chat'),
  /** The round the line was judged in, when the server looked (it does for dictionary words). */
  round: z.optional(z.int()),
});

/** The `chat` event. */
export type ChatEvent = z.infer<typeof chatEventSchema>;

/** `correct`: someone answered the pattern; a `state` for the next round follows when the round ended. */
export const correctEventSchema = z.extend(roundAnswerSchema, {
  type: z.literal('correct'),
  round: z.int(),
  pattern: z.string(),
  /** The player's total score after this answer. */
  score: z.number(),
  /** Whether this answer ended the round. */
  roundEnded: z.boolean(),
});

/** The `correct` event. */
export type CorrectEvent = z.infer<typeof correctEventSchema>;

/** `presence`: a player joined or left. */
export const presenceEventSchema = z.object({
  type: z.literal('presence'),
  event: z.enum(['join', 'leave']),
  playerId: playerIdSchema,
  name: z.string(),
  playerCount: z.int(),
});

/** The `presence` event. */
export type PresenceEvent = z.infer<typeof presenceEventSchema>;

/** `error`: something about your last message, to you only. */
export const errorEventSchema = z.object({
  type: z.literal('error'),
  code: z.string() as unknown as z.ZodMiniType<QuizEventErrorCode>,
  message: z.string(),
  /** For `ROUND_TAKEN` and `WORD_ALREADY_USED`: the round concerned. */
  round: z.optional(z.int()),
  /** For `RATE_LIMITED`: how long to wait before sending again. */
  retryAfterMs: z.optional(z.int()),
  /**
   * For `RATE_LIMITED` when the server is about to disconnect the client for flooding: 1008 (policy violation).
   * API Gateway's `DeleteConnection` always closes with 1000, so the reason travels in this event.
   */
  closeCode: z.optional(z.int()),
});

/** The `error` event. */
export type ErrorEvent = z.infer<typeof errorEventSchema>;

/** `pong`: the answer to `ping`. */
export const pongEventSchema = z.object({
  type: z.literal('pong'),
  id: z.optional(z.union([z.string(), z.number()])),
  serverTime: z.number(),
});

/** The `pong` event. */
export type PongEvent = z.infer<typeof pongEventSchema>;

/** Any server event. */
export const serverEventSchema = z.discriminatedUnion('type', [
  stateEventSchema,
  chatEventSchema,
  correctEventSchema,
  presenceEventSchema,
  errorEventSchema,
  pongEventSchema,
]);

/** An event the server sends. */
export type ServerEvent = z.infer<typeof serverEventSchema>;

/**
 * The events of one server frame (an object, or an array of them), in order; entries that are not quiz events
 * are skipped. Never throws.
 *
 * @param text - The frame's text.
 * @returns The valid events.
 * @example
 * ```ts
 * import { parseServerFrame } from 'serverless-game-kit/quiz';
 *
 * parseServerFrame('[{"type":"pong","serverTime":1}]'); // [{ type: 'pong', serverTime: 1 }]
 * ```
 */
export function parseServerFrame(text: string): ServerEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  const events: ServerEvent[] = [];
  for (const candidate of Array.isArray(json) ? (json as unknown[]) : [json]) {
    const parsed = serverEventSchema.safeParse(candidate);
    if (parsed.success) events.push(parsed.data);
  }
  return events;
}
