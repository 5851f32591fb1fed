/**
 * The quiz's WebSocket Lambda: one handler for `$connect`, `$disconnect` and every message (`$default`). This
 * file only wires the parts together; each route lives in `socket/routes/`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isQuizError } from './errors.js';
import { type QuizRules, resolveQuizRules } from './game.js';
import { QuizStore } from './room-store.js';
import { BroadcasterPool } from './socket/broadcaster-pool.js';
import { ConnectionCache } from './socket/connection-cache.js';
import { createDictionarySource } from './socket/dictionary-source.js';
import {
  type QuizSocketEvent,
  type QuizSocketHandler,
  type QuizSocketResult,
  type RequestContext,
  errorEvent,
  refuse,
  requestContextSchema,
} from './socket/event.js';
import { QuizRateLimiter } from './socket/rate-limiter.js';
import { RoomReader } from './socket/room-snapshot.js';
import { RoundCommits } from './socket/round-commits.js';
import { handleConnect } from './socket/routes/connect.js';
import type { RouteDeps } from './socket/routes/deps.js';
import { handleDisconnect } from './socket/routes/disconnect.js';
import { handleMessage } from './socket/routes/message.js';
import { type QuizSocketHandlerOptions, resolveQuizLog, resolveSocketSettings } from './socket-options.js';

export type { QuizSocketEvent, QuizSocketHandler, QuizSocketResult } from './socket/event.js';

/**
 * Creates the quiz's WebSocket handler; route `$connect`, `$disconnect` and `$default` to it.
 *
 * - `$connect?room=<id>&name=<display>`, with the join token and player key in `Sec-WebSocket-Protocol`
 *   (`sgk.quiz.v1`, echoed; see `quizSubprotocols`): validates, stores the connection, creates the room on first
 *   join. Sends nothing (the socket is not open yet): clients ask with `sync`.
 * - Every frame passes the rate limits first (per connection and per player, shared by every instance through
 *   one DynamoDB item per player): a refused frame is dropped with no write and no broadcast, and a connection
 *   that keeps flooding is disconnected.
 * - Messages: `{"action":"sync"}` → `state` to the sender; `{"action":"chat","text":"…"}` → stored,
 *   broadcast, judged as an answer; `{"action":"ping"}` → `pong`. Anything else → an `error` event to the
 *   sender only.
 * - A correct answer is recorded with a conditional write on the room's version, so among simultaneous correct
 *   answers exactly one wins the round; the others get `ROUND_TAKEN`.
 * - Broadcasts Query the room index (never Scan) and post with bounded concurrency; a `GoneException` deletes
 *   that connection and the broadcast goes on.
 * - `$disconnect` removes the connection and tells the room (`presence`).
 *
 * @param options - See {@link QuizSocketHandlerOptions}.
 * @returns The Lambda handler. It never throws: bad input gets an `error` event, failures are logged.
 * @throws {QuizError} `INVALID_OPTIONS` or `INVALID_WORD_PACK` for bad options, at once.
 * @example
 * ```ts
 * import { createQuizSocketHandler } from 'serverless-game-kit/quiz/lambda';
 *
 * export const handler = createQuizSocketHandler({
 *   tables: { connections: 'quiz-connections', rooms: 'quiz-rooms', chat: 'quiz-chat' },
 *   rules: { answersPerRound: 1 },
 * });
 * ```
 */
export function createQuizSocketHandler(options: QuizSocketHandlerOptions = {}): QuizSocketHandler {
  const deps = wireRoutes(options);
  return async (event) => {
    const parsedContext = requestContextSchema.safeParse(
      (event as Partial<QuizSocketEvent> | null | undefined)?.requestContext,
    );
    if (!parsedContext.success) {
      deps.log({ level: 'warn', message: 'Not an API Gateway WebSocket event', error: parsedContext.error });
      return refuse(400, 'INVALID_EVENT', 'Not an API Gateway WebSocket event.');
    }
    const context = parsedContext.data;
    const kind = eventKind(context);
    try {
      if (kind === 'CONNECT') return await handleConnect(deps, event, context);
      if (kind === 'DISCONNECT') return await handleDisconnect(deps, context);
      return await handleMessage(deps, event, context);
    } catch (error) {
      return failed(deps, kind, context, error);
    }
  };
}

function eventKind(context: RequestContext): string {
  return (
    context.eventType ??
    (context.routeKey === '$connect'
      ? 'CONNECT'
      : context.routeKey === '$disconnect'
        ? 'DISCONNECT'
        : 'MESSAGE')
  );
}

/** Builds every part once per container. */
function wireRoutes(options: QuizSocketHandlerOptions): RouteDeps {
  const settings = resolveSocketSettings(options);
  const rules: QuizRules = resolveQuizRules(options.rules);
  const log = resolveQuizLog(options);
  const dictionary = createDictionarySource(options);
  const documents =
    options.dynamoDBDocumentClient ??
    options.documentClient ??
    DynamoDBDocumentClient.from(options.dynamoDBClient ?? new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });
  const store = new QuizStore(documents, settings.tables);
  const connections = new ConnectionCache(store);
  const posts = new BroadcasterPool({
    ...(options.managementEndpoint === undefined ? {} : { managementEndpoint: options.managementEndpoint }),
    ...managementClientOption(options),
    concurrency: settings.broadcastConcurrency,
    onGone: async (connectionId) => {
      connections.drop(connectionId);
      await store.deleteConnection(connectionId);
      log({ level: 'info', message: 'Deleted a gone connection', connectionId });
    },
    log,
  });
  const rooms = new RoomReader(store, settings, options.seed);
  const rounds = new RoundCommits(store, rooms, rules, settings);
  return {
    settings,
    rules,
    store,
    dictionary,
    connections,
    posts,
    rooms,
    rounds,
    ...(options.verifyToken === undefined ? {} : { verifyToken: options.verifyToken }),
    ...(settings.rateLimits === false
      ? {}
      : {
          limiter: new QuizRateLimiter({
            documents,
            table: settings.tables.connections,
            limits: settings.rateLimits,
            disconnectAfter: settings.rateLimits.disconnectAfter,
            replyIntervalMs: settings.rateLimits.replyIntervalMs,
          }),
        }),
    now: options.now ?? Date.now,
    log,
  };
}

/** A handler failure: logged; a message's sender gets an `error` event, `$connect` a 500. */
async function failed(
  deps: RouteDeps,
  kind: string,
  context: RequestContext,
  error: unknown,
): Promise<QuizSocketResult> {
  deps.log({
    level: 'error',
    message: `The ${kind} handler failed`,
    connectionId: context.connectionId,
    error,
  });
  if (kind === 'MESSAGE') {
    const code = isQuizError(error) ? error.code : 'INTERNAL';
    await deps.posts
      .sendTo(context, errorEvent('INTERNAL', `The server could not handle the message (${code}).`))
      .catch(() => undefined);
    // No body: API Gateway would relay a message route's body to the client, which already got the error.
    return { statusCode: 500 };
  }
  return refuse(500, 'INTERNAL', 'The server could not handle the request.');
}

/** The management client the options name, under the new name or the deprecated one. */
function managementClientOption(options: QuizSocketHandlerOptions): {
  managementClient?: NonNullable<QuizSocketHandlerOptions['managementClient']>;
} {
  const client = options.apiGatewayManagementApiClient ?? options.managementClient;
  return client === undefined ? {} : { managementClient: client };
}
