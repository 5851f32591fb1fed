/**
 * Every frame (`$default`): checks it is a protocol message, answers `ping`, and hands `sync` and `chat` of a
 * joined connection to their routes. Anything else gets an `error` event to the sender only.
 */
import { MAX_MESSAGE_BYTES, QUIZ_ACTIONS, type ClientMessage, clientMessageSchema } from '../../protocol.js';
import {
  type QuizSocketEvent,
  type QuizSocketResult,
  type RequestContext,
  errorEvent,
  ok,
} from '../event.js';
import type { ConnectionRecord } from '../../room-store.js';
import type { RateVerdict } from '../rate-limiter.js';
import { handleChat } from './chat.js';
import type { RouteDeps } from './deps.js';
import { handleSync } from './sync.js';

const encoder = new TextEncoder();
/** RFC 6455 close code 1008, policy violation: what a flooding client is told it was closed for. */
const POLICY_VIOLATION = 1008;

function describeIssue(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  const issue = error.issues[0];
  if (!issue) return 'The message does not match the protocol.';
  const path = issue.path.length > 0 ? issue.path.join('.') : 'message';
  return `Invalid ${path}: ${issue.message}.`;
}

/**
 * Parses a frame's body as a client message; an `error` event describing the first problem otherwise.
 *
 * @example
 * ```ts
 * const parsed = parseClientMessage(event);
 * if ('error' in parsed) await posts.sendTo(context, parsed.error);
 * ```
 */
export function parseClientMessage(
  event: QuizSocketEvent,
): { message: ClientMessage } | { error: ReturnType<typeof errorEvent> } {
  if (event.isBase64Encoded) {
    return { error: errorEvent('BINARY_NOT_SUPPORTED', 'Send text frames with JSON messages.') };
  }
  const raw = (event.body ?? '').trim();
  if (raw.length > MAX_MESSAGE_BYTES || encoder.encode(raw).length > MAX_MESSAGE_BYTES) {
    return { error: errorEvent('MESSAGE_TOO_LARGE', `Messages are at most ${MAX_MESSAGE_BYTES} bytes.`) };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { error: errorEvent('INVALID_JSON', 'The message is not JSON.') };
  }
  const action = (parsed as { action?: unknown } | null)?.action;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || typeof action !== 'string') {
    return { error: errorEvent('INVALID_MESSAGE', 'Send a JSON object with an "action".') };
  }
  if (!(QUIZ_ACTIONS as readonly string[]).includes(action)) {
    return {
      error: errorEvent(
        'UNKNOWN_ACTION',
        `Unknown action "${action.slice(0, 32)}"; use ${QUIZ_ACTIONS.join(', ')}.`,
      ),
    };
  }
  const message = clientMessageSchema.safeParse(parsed);
  if (!message.success) return { error: errorEvent('INVALID_MESSAGE', describeIssue(message.error)) };
  return { message: message.data };
}

/**
 * A frame over the rate limits: dropped unseen; at most one small `RATE_LIMITED` reply; a connection that keeps
 * flooding is told why (`closeCode` 1008) and disconnected with `DeleteConnection`.
 */
async function refuseFrame(
  deps: RouteDeps,
  context: RequestContext,
  verdict: Extract<RateVerdict, { allowed: false }>,
): Promise<void> {
  if (verdict.disconnect) {
    deps.log({
      level: 'warn',
      message: 'Disconnected a flooding connection',
      connectionId: context.connectionId,
    });
    await deps.posts.sendTo(context, {
      ...errorEvent('RATE_LIMITED', 'Too many messages: disconnected.'),
      retryAfterMs: verdict.retryAfterMs,
      closeCode: POLICY_VIOLATION,
    });
    await deps.posts.for(context).disconnect(context.connectionId);
    return;
  }
  if (!verdict.reply) return;
  await deps.posts.sendTo(context, {
    ...errorEvent('RATE_LIMITED', 'Too many messages: slow down.'),
    retryAfterMs: verdict.retryAfterMs,
  });
}

/**
 * Handles one frame.
 *
 * @example
 * ```ts
 * return handleMessage(deps, event, context);
 * ```
 */
export async function handleMessage(
  deps: RouteDeps,
  event: QuizSocketEvent,
  context: RequestContext,
): Promise<QuizSocketResult> {
  const parsed = parseClientMessage(event);
  // The record read for the limiter is the one the frame is handled with: a frame admitted just before its
  // connection was disconnected for flooding is still handled, as admitted.
  let admittedAs: { record: ConnectionRecord | undefined } | undefined;
  if (deps.limiter) {
    const kind = 'message' in parsed && parsed.message.action === 'chat' ? 'chat' : 'message';
    const verdict = await deps.limiter.admit(context.connectionId, kind, deps.now(), async () => {
      admittedAs = { record: await deps.connections.get(context.connectionId) };
      return admittedAs.record?.playerId;
    });
    if (!verdict.allowed) {
      await refuseFrame(deps, context, verdict);
      return ok();
    }
  }
  if ('error' in parsed) {
    await deps.posts.sendTo(context, parsed.error);
    return ok();
  }
  const { message } = parsed;
  if (message.action === 'ping') {
    await deps.posts.sendTo(context, {
      type: 'pong',
      ...(message.id === undefined ? {} : { id: message.id }),
      serverTime: deps.now(),
    });
    return ok();
  }
  const connection = admittedAs ? admittedAs.record : await deps.connections.get(context.connectionId);
  if (!connection) {
    await deps.posts.sendTo(
      context,
      errorEvent('NOT_JOINED', 'This connection is not in a room; reconnect.'),
    );
    return ok();
  }
  if (message.action === 'sync') await handleSync(deps, context, connection);
  else await handleChat(deps, context, connection, message);
  return ok();
}
