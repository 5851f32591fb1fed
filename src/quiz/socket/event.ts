/**
 * The API Gateway WebSocket event and result shapes the quiz handler works with, and the small answers every
 * route builds.
 */
import * as z from 'zod';
import type { ErrorEvent, QuizEventErrorCode } from '../protocol.js';

/** The parts of an API Gateway WebSocket event the handler reads. */
export interface QuizSocketEvent {
  requestContext: {
    connectionId: string;
    routeKey?: string;
    eventType?: string;
    domainName?: string;
    stage?: string;
    connectedAt?: number;
    messageId?: string;
  };
  queryStringParameters?: Record<string, string | undefined> | null;
  /** Request headers of `$connect` (API Gateway keeps the client's spelling of the names). */
  headers?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** What the handler answers API Gateway: 200, or for a refused `$connect` 400/401 with a JSON error body. */
export interface QuizSocketResult {
  statusCode: number;
  body?: string;
  headers?: Record<string, string>;
}

/** The Lambda handler returned by `createQuizSocketHandler`. Never throws. */
export type QuizSocketHandler = (event: QuizSocketEvent, context?: unknown) => Promise<QuizSocketResult>;

/** The request context, checked. */
export const requestContextSchema = z.object({
  connectionId: z.string().min(1).max(128),
  routeKey: z.string().optional(),
  eventType: z.string().optional(),
  domainName: z.string().optional(),
  stage: z.string().optional(),
  connectedAt: z.number().optional(),
  messageId: z.string().max(128).optional(),
});

/** A checked request context. */
export type RequestContext = z.infer<typeof requestContextSchema>;

/**
 * The plain success answer.
 *
 * @example
 * ```ts
 * return ok(); // { statusCode: 200 }
 * ```
 */
export function ok(): QuizSocketResult {
  return { statusCode: 200 };
}

/**
 * A refused `$connect` (or an unusable event): the status and a JSON `{error: {code, message}}` body.
 *
 * @example
 * ```ts
 * return refuse(400, 'INVALID_ROOM', 'room must be 1–64 letters, digits, "_" or "-".');
 * ```
 */
export function refuse(statusCode: number, code: string, message: string): QuizSocketResult {
  return { statusCode, body: JSON.stringify({ error: { code, message } }) };
}

/**
 * An `error` event for the sender of a message.
 *
 * @example
 * ```ts
 * await posts.sendTo(context, errorEvent('EMPTY_TEXT', 'Say something: the text is empty.'));
 * ```
 */
export function errorEvent(code: QuizEventErrorCode, message: string, round?: number): ErrorEvent {
  return { type: 'error', code, message, ...(round === undefined ? {} : { round }) };
}

/**
 * Epoch seconds of an epoch-milliseconds time (DynamoDB TTL attributes are in seconds).
 *
 * @example
 * ```ts
 * nowSeconds(1_767_268_800_123); // 1767268800
 * ```
 */
export function nowSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
