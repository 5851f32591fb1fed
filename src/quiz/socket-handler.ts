/**
 * The quiz's WebSocket Lambda: one handler for `$connect`, `$disconnect` and every message (`$default`).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { Broadcaster, encodeEvents } from './broadcaster.js';
import { DEFAULT_WORD_PACK } from './default-word-pack.js';
import { QuizDictionary } from './dictionary.js';
import { isQuizError } from './errors.js';
import {
  type QuizRules,
  type RoomGame,
  acceptAnswer,
  createGame,
  expireRound,
  judgeAnswer,
  rankStandings,
  resolveQuizRules,
  roundEndsAt,
} from './game.js';
import { guestPlayerId } from './player-identity.js';
import {
  type ChatEvent,
  type ClientMessage,
  type CorrectEvent,
  type ErrorEvent,
  MAX_MESSAGE_BYTES,
  MAX_TEXT_LENGTH,
  type PresenceEvent,
  QUIZ_ACTIONS,
  type QuizEventErrorCode,
  type QuizState,
  type ServerEvent,
  clientMessageSchema,
} from './protocol.js';
import { type ChatRecord, type ConnectionRecord, QuizStore, type ScoreRecord } from './room-store.js';
import { type QuizLogEntry, type QuizSocketHandlerOptions, resolveSocketSettings } from './socket-options.js';

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
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** What the handler answers API Gateway: 200, or for a refused `$connect` 400/401 with a JSON error body. */
export interface QuizSocketResult {
  statusCode: number;
  body?: string;
}

/** The Lambda handler returned by {@link createQuizSocketHandler}. Never throws. */
export type QuizSocketHandler = (event: QuizSocketEvent, context?: unknown) => Promise<QuizSocketResult>;

const requestContextSchema = z.object({
  connectionId: z.string().min(1).max(128),
  routeKey: z.string().optional(),
  eventType: z.string().optional(),
  domainName: z.string().optional(),
  stage: z.string().optional(),
  connectedAt: z.number().optional(),
  messageId: z.string().max(128).optional(),
});

type RequestContext = z.infer<typeof requestContextSchema>;

/** Room ids: letters (any script), digits, `_` and `-`, 1–64 characters. */
const ROOM_ID = /^[\p{L}\p{N}_-]{1,64}$/u;
/** Display names: 1–20 characters after trimming, no control or format characters. */
const MAX_NAME_LENGTH = 20;
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
/** Guest player keys chosen by clients: 16–128 URL-safe characters. */
const PLAYER_KEY = /^[A-Za-z0-9_-]{16,128}$/;
/** Most connections kept in the per-container cache. */
const CONNECTION_CACHE_SIZE = 10_000;

const encoder = new TextEncoder();

function ok(): QuizSocketResult {
  return { statusCode: 200 };
}

function refuse(statusCode: number, code: string, message: string): QuizSocketResult {
  return { statusCode, body: JSON.stringify({ error: { code, message } }) };
}

function errorEvent(code: QuizEventErrorCode, message: string, round?: number): ErrorEvent {
  return { type: 'error', code, message, ...(round === undefined ? {} : { round }) };
}

function normalizeName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const name = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
  const length = [...name].length;
  if (length === 0 || length > MAX_NAME_LENGTH || FORBIDDEN_IN_NAME.test(name)) return undefined;
  return name;
}

function distinctPlayers(connections: readonly ConnectionRecord[]): Map<string, ConnectionRecord> {
  const players = new Map<string, ConnectionRecord>();
  for (const connection of connections) players.set(connection.playerId, connection);
  return players;
}

function describeIssue(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  const issue = error.issues[0];
  if (!issue) return 'The message does not match the protocol.';
  const path = issue.path.length > 0 ? issue.path.join('.') : 'message';
  return `Invalid ${path}: ${issue.message}.`;
}

/** A room's members and everything a `state` shows. */
interface RoomSnapshot {
  game: RoomGame;
  scores: ScoreRecord[];
  members: ConnectionRecord[];
  chat: ChatRecord[];
}

/** How a correct answer ended. */
type AnswerOutcome =
  | { kind: 'won'; game: RoomGame; event: Omit<CorrectEvent, 'score'> }
  | { kind: 'rejected'; error: ErrorEvent };

/**
 * Creates the quiz's WebSocket handler; route `$connect`, `$disconnect` and `$default` to it.
 *
 * - `$connect?room=<id>&name=<display>[&token=…][&player=<key>]`: validates, stores the connection, creates the
 *   room on first join. Sends nothing (the socket is not open yet): clients ask with `sync`.
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
  const settings = resolveSocketSettings(options);
  const rules: QuizRules = resolveQuizRules(options.rules);
  const patternOptions = options.patterns ?? {};
  const now = options.now ?? Date.now;
  const log =
    options.log ??
    ((entry: QuizLogEntry) => {
      if (entry.level !== 'info') console.error(`[quiz] ${entry.level}: ${entry.message}`, entry.error ?? '');
    });

  let dictionary: Promise<QuizDictionary> | undefined;
  if (options.loadWords === undefined) {
    dictionary = Promise.resolve(QuizDictionary.from(options.words ?? DEFAULT_WORD_PACK, patternOptions));
  }
  const loadWords = options.loadWords;
  const getDictionary = (): Promise<QuizDictionary> => {
    dictionary ??= loadWords!()
      .then((words) => QuizDictionary.from(words, patternOptions))
      .catch((error: unknown) => {
        dictionary = undefined;
        throw error;
      });
    return dictionary;
  };

  const documents =
    options.documentClient ??
    DynamoDBDocumentClient.from(options.dynamoDBClient ?? new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });
  const store = new QuizStore(documents, settings.tables);

  const connectionCache = new Map<string, ConnectionRecord & { announced?: boolean }>();
  const remember = (record: ConnectionRecord): void => {
    if (connectionCache.size >= CONNECTION_CACHE_SIZE) {
      const oldest = connectionCache.keys().next().value;
      if (oldest !== undefined) connectionCache.delete(oldest);
    }
    connectionCache.set(record.connectionId, record);
  };
  const forgetConnection = async (connectionId: string): Promise<void> => {
    connectionCache.delete(connectionId);
    await store.deleteConnection(connectionId);
    log({ level: 'info', message: 'Deleted a gone connection', connectionId });
  };

  const broadcasters = new Map<string, Broadcaster>();
  const broadcasterFor = (context: RequestContext): Broadcaster => {
    const endpoint =
      options.managementEndpoint ??
      `https://${context.domainName ?? 'localhost'}${context.stage ? `/${context.stage}` : ''}`;
    let broadcaster = broadcasters.get(endpoint);
    if (!broadcaster) {
      const supplied = options.managementClient;
      const client =
        supplied === undefined
          ? new ApiGatewayManagementApiClient({ endpoint })
          : typeof supplied === 'function'
            ? supplied(endpoint)
            : supplied;
      broadcaster = new Broadcaster({
        client,
        concurrency: settings.broadcastConcurrency,
        onGone: forgetConnection,
        onError: (error, connectionId) =>
          log({ level: 'warn', message: 'postToConnection failed', connectionId, error }),
      });
      broadcasters.set(endpoint, broadcaster);
    }
    return broadcaster;
  };

  const nowSeconds = (ms: number): number => Math.floor(ms / 1000);
  const roomTtl = (ms: number): number => nowSeconds(ms) + settings.roomTtlSeconds;

  const newGame = (roomId: string, dict: QuizDictionary, at: number): RoomGame =>
    createGame(
      {
        roomId,
        gameId: randomBytes(6).toString('base64url'),
        seed: options.seed ?? randomInt(0, 2 ** 31),
      },
      dict,
      at,
    );

  const getConnection = async (connectionId: string): Promise<ConnectionRecord | undefined> => {
    const cached = connectionCache.get(connectionId);
    if (cached) return cached;
    const record = await store.getConnection(connectionId);
    if (record) remember(record);
    return record;
  };

  /** The room's game, creating a fresh one when it expired while players were still connected. */
  const loadGame = async (roomId: string, dict: QuizDictionary, at: number): Promise<RoomGame> => {
    const game = await store.getRoom(roomId, nowSeconds(at));
    if (game) return game;
    await store.ensureRoom(roomId, () => newGame(roomId, dict, at), at, roomTtl(at));
    const created = await store.getRoom(roomId, nowSeconds(at));
    if (!created) throw new Error(`Room ${roomId} could not be created.`);
    return created;
  };

  /** The game, scores and recent chat (everything a state shows but the members). */
  const roomState = async (
    roomId: string,
    dict: QuizDictionary,
    at: number,
  ): Promise<Omit<RoomSnapshot, 'members'>> => {
    const [room, chat] = await Promise.all([
      store.getRoomWithScores(roomId, nowSeconds(at)),
      store.recentChat(roomId, settings.recentChat, nowSeconds(at)),
    ]);
    if (room) return { ...room, chat };
    return { game: await loadGame(roomId, dict, at), scores: [], chat };
  };

  const snapshot = async (roomId: string, dict: QuizDictionary, at: number): Promise<RoomSnapshot> => {
    const [room, members] = await Promise.all([
      roomState(roomId, dict, at),
      store.listRoomConnections(roomId, nowSeconds(at)),
    ]);
    return { ...room, members };
  };

  const stateOf = (room: RoomSnapshot, at: number, self?: ConnectionRecord): QuizState => {
    const connected = distinctPlayers(room.members);
    const byPlayer = new Map<
      string,
      { playerId: string; name: string; score: number; answers: number; connected: boolean }
    >();
    for (const score of room.scores) byPlayer.set(score.playerId, { ...score, connected: false });
    for (const [playerId, connection] of connected) {
      const known = byPlayer.get(playerId);
      byPlayer.set(playerId, {
        playerId,
        name: connection.name,
        score: known?.score ?? 0,
        answers: known?.answers ?? 0,
        connected: true,
      });
    }
    const endsAt = roundEndsAt(room.game, rules);
    return {
      type: 'state',
      roomId: room.game.roomId,
      round: room.game.round,
      pattern: room.game.pattern,
      roundStartedAt: room.game.roundStartedAt,
      ...(endsAt === undefined ? {} : { roundEndsAt: endsAt }),
      answersPerRound: rules.answersPerRound,
      answers: [...room.game.answers],
      players: rankStandings([...byPlayer.values()]).slice(0, settings.maxPlayersInState),
      playerCount: connected.size,
      chat: room.chat.map(({ id, playerId, name, text, ts }) => ({ id, playerId, name, text, ts })),
      ...(room.game.lastRound ? { lastRound: room.game.lastRound } : {}),
      ...(self ? { self: { playerId: self.playerId, name: self.name } } : {}),
      serverTime: at,
    };
  };

  const sendTo = async (context: RequestContext, ...events: ServerEvent[]): Promise<void> => {
    await broadcasterFor(context).send(context.connectionId, encodeEvents(events));
  };

  const broadcast = async (
    context: RequestContext,
    members: readonly ConnectionRecord[],
    events: readonly ServerEvent[],
    except?: string,
  ): Promise<void> => {
    const ids = members.map((member) => member.connectionId).filter((id) => id !== except);
    await broadcasterFor(context).broadcast(ids, encodeEvents(events));
  };

  /** Ends the round if its time ran out; the game to use afterwards and whether it changed. */
  const settleExpiry = async (
    game: RoomGame,
    dict: QuizDictionary,
    at: number,
  ): Promise<{ game: RoomGame; changed: boolean }> => {
    let current = game;
    for (let attempt = 0; attempt < settings.maxAnswerAttempts; attempt++) {
      const expired = expireRound(current, dict, rules, at);
      if (!expired) return { game: current, changed: current !== game };
      if ((await store.commitGame(current, expired.game, roomTtl(at))) === 'ok') {
        return { game: expired.game, changed: true };
      }
      current = await loadGame(game.roomId, dict, at);
    }
    return { game: current, changed: current.version !== game.version };
  };

  const tryAnswer = async (
    connection: ConnectionRecord,
    judged: RoomGame,
    word: string,
    dict: QuizDictionary,
    at: number,
  ): Promise<AnswerOutcome> => {
    let game = judged;
    for (let attempt = 0; attempt < settings.maxAnswerAttempts; attempt++) {
      const accepted = acceptAnswer(
        game,
        { playerId: connection.playerId, name: connection.name, word },
        dict,
        rules,
        at,
      );
      const result = await store.commitAnswer(
        game,
        accepted.game,
        { playerId: connection.playerId, name: connection.name, points: accepted.answer.points },
        roomTtl(at),
      );
      if (result === 'ok') {
        return {
          kind: 'won',
          game: accepted.game,
          event: {
            type: 'correct',
            round: game.round,
            pattern: game.pattern,
            ...accepted.answer,
            roundEnded: accepted.roundEnded,
          },
        };
      }
      game = await loadGame(judged.roomId, dict, at);
      if (game.round !== judged.round || game.gameId !== judged.gameId) {
        const winner =
          game.lastRound?.round === judged.round ? game.lastRound.answers.at(-1)?.name : undefined;
        return {
          kind: 'rejected',
          error: errorEvent(
            'ROUND_TAKEN',
            winner
              ? `Round ${judged.round} is over: ${winner} answered first.`
              : `Round ${judged.round} is over.`,
            judged.round,
          ),
        };
      }
      if (game.answers.some((answer) => answer.word === word)) {
        return {
          kind: 'rejected',
          error: errorEvent('WORD_ALREADY_USED', `"${word}" was already given this round.`, game.round),
        };
      }
      await new Promise((resolve) => setTimeout(resolve, randomInt(0, 5 + attempt * 10)));
    }
    return {
      kind: 'rejected',
      error: errorEvent('BUSY', 'The room is busy; send your answer again.', judged.round),
    };
  };

  const handleConnect = async (
    event: QuizSocketEvent,
    context: RequestContext,
  ): Promise<QuizSocketResult> => {
    const query = event.queryStringParameters ?? {};
    const roomId = query.room?.trim();
    if (!roomId || !ROOM_ID.test(roomId)) {
      return refuse(400, 'INVALID_ROOM', 'room must be 1–64 letters, digits, "_" or "-".');
    }
    let verified: { playerId: string; name?: string } | undefined;
    const token = query.token;
    if (options.verifyToken && token) {
      try {
        verified = await options.verifyToken(token);
      } catch (error) {
        log({ level: 'info', message: 'Refused a token', connectionId: context.connectionId, error });
        return refuse(401, 'INVALID_TOKEN', 'The token was not accepted.');
      }
      if (
        typeof verified?.playerId !== 'string' ||
        verified.playerId.length === 0 ||
        verified.playerId.length > 128
      ) {
        return refuse(401, 'INVALID_TOKEN', 'The token names no player.');
      }
    } else if (settings.requireToken) {
      return refuse(401, 'TOKEN_REQUIRED', 'This game needs a token to join.');
    }
    const name = normalizeName(query.name ?? verified?.name);
    if (!name) {
      return refuse(
        400,
        'INVALID_NAME',
        `name must be 1–${MAX_NAME_LENGTH} characters, without control characters.`,
      );
    }
    const playerKey = query.player;
    if (playerKey !== undefined && !PLAYER_KEY.test(playerKey)) {
      return refuse(400, 'INVALID_PLAYER_KEY', 'player must be 16–128 URL-safe characters.');
    }
    const dict = await getDictionary();
    const at = now();
    const record: ConnectionRecord = {
      connectionId: context.connectionId,
      roomId,
      name,
      playerId: verified?.playerId ?? guestPlayerId(playerKey ?? context.connectionId),
      connectedAt: context.connectedAt ?? at,
      ttl: nowSeconds(at) + settings.connectionTtlSeconds,
    };
    await Promise.all([
      store.putConnection(record),
      store.ensureRoom(roomId, () => newGame(roomId, dict, at), at, roomTtl(at)),
    ]);
    remember(record);
    return ok();
  };

  const handleDisconnect = async (context: RequestContext): Promise<QuizSocketResult> => {
    connectionCache.delete(context.connectionId);
    const record = await store.deleteConnection(context.connectionId);
    if (!record) return ok();
    const at = now();
    const [members] = await Promise.all([
      store.listRoomConnections(record.roomId, nowSeconds(at)),
      store.refreshRoomTtl(record.roomId, roomTtl(at), nowSeconds(at)),
    ]);
    const players = distinctPlayers(members);
    if (!players.has(record.playerId) && members.length > 0) {
      const presence: PresenceEvent = {
        type: 'presence',
        event: 'leave',
        playerId: record.playerId,
        name: record.name,
        playerCount: players.size,
      };
      await broadcast(context, members, [presence]);
    }
    return ok();
  };

  const handleSync = async (context: RequestContext, connection: ConnectionRecord): Promise<void> => {
    const dict = await getDictionary();
    const at = now();
    let room = await snapshot(connection.roomId, dict, at);
    const settled = await settleExpiry(room.game, dict, at);
    if (settled.changed) room = await snapshot(connection.roomId, dict, at);
    await sendTo(context, stateOf(room, at, connection));
    const others = room.members.filter((member) => member.connectionId !== connection.connectionId);
    if (settled.changed) await broadcast(context, others, [stateOf(room, at)]);
    const cached = connectionCache.get(connection.connectionId);
    if (cached?.announced) return;
    const first = await store.markAnnounced(connection.connectionId);
    if (cached) cached.announced = true;
    if (!first) return;
    const presence: PresenceEvent = {
      type: 'presence',
      event: 'join',
      playerId: connection.playerId,
      name: connection.name,
      playerCount: distinctPlayers(room.members).size,
    };
    await broadcast(context, others, [presence]);
  };

  const handleChat = async (
    context: RequestContext,
    connection: ConnectionRecord,
    message: Extract<ClientMessage, { action: 'chat' }>,
  ): Promise<void> => {
    const text = message.text.trim();
    if (text.length === 0) {
      await sendTo(context, errorEvent('EMPTY_TEXT', 'Say something: the text is empty.'));
      return;
    }
    if (text.length > MAX_TEXT_LENGTH) {
      await sendTo(context, errorEvent('TEXT_TOO_LONG', `Texts are at most ${MAX_TEXT_LENGTH} characters.`));
      return;
    }
    const dict = await getDictionary();
    const at = now();
    const line: ChatRecord = {
      id: context.messageId ?? randomBytes(8).toString('base64url'),
      playerId: connection.playerId,
      name: connection.name,
      text,
      ts: at,
    };
    const judge = dict.has(QuizDictionary.normalize(text)) || rules.roundTimeLimitMs !== undefined;
    // Who is in the room does not depend on the answer: ask at once, in parallel with the rest.
    const listing = store.listRoomConnections(connection.roomId, nowSeconds(at));
    listing.catch(() => undefined);
    const [game] = await Promise.all([
      judge ? loadGame(connection.roomId, dict, at) : Promise.resolve(undefined),
      store.putChat(connection.roomId, line, nowSeconds(at) + settings.chatTtlSeconds),
    ]);

    let stateChanged = false;
    let outcome: AnswerOutcome | undefined;
    let judgedRound: number | undefined;
    if (game) {
      const settled = await settleExpiry(game, dict, at);
      stateChanged = settled.changed;
      judgedRound = settled.game.round;
      const verdict = judgeAnswer(settled.game, text, dict, message.round);
      if (verdict.kind === 'correct') {
        outcome = await tryAnswer(connection, settled.game, verdict.word, dict, at);
        if (outcome.kind === 'won') stateChanged = true;
      } else if (verdict.kind === 'used') {
        outcome = {
          kind: 'rejected',
          error: errorEvent(
            'WORD_ALREADY_USED',
            `"${verdict.word}" was already given this round.`,
            settled.game.round,
          ),
        };
      } else if (verdict.kind === 'late') {
        outcome = {
          kind: 'rejected',
          error: errorEvent(
            'ROUND_TAKEN',
            `Round ${message.round ?? judgedRound - 1} is over.`,
            message.round,
          ),
        };
      }
    }

    const chatEvent: ChatEvent = {
      type: 'chat',
      ...line,
      ...(judgedRound === undefined ? {} : { round: judgedRound }),
    };
    const events: ServerEvent[] = [chatEvent];
    if (stateChanged) {
      const [room, members] = await Promise.all([roomState(connection.roomId, dict, at), listing]);
      if (outcome?.kind === 'won') {
        const score =
          room.scores.find((entry) => entry.playerId === connection.playerId)?.score ?? outcome.event.points;
        events.push({ ...outcome.event, score });
      }
      events.push(stateOf({ ...room, members }, at));
      await broadcast(context, members, events);
    } else {
      await broadcast(context, await listing, events);
    }
    if (outcome?.kind === 'rejected') await sendTo(context, outcome.error);
  };

  const handleMessage = async (
    event: QuizSocketEvent,
    context: RequestContext,
  ): Promise<QuizSocketResult> => {
    if (event.isBase64Encoded) {
      await sendTo(context, errorEvent('BINARY_NOT_SUPPORTED', 'Send text frames with JSON messages.'));
      return ok();
    }
    const raw = (event.body ?? '').trim();
    if (raw.length > MAX_MESSAGE_BYTES || encoder.encode(raw).length > MAX_MESSAGE_BYTES) {
      await sendTo(
        context,
        errorEvent('MESSAGE_TOO_LARGE', `Messages are at most ${MAX_MESSAGE_BYTES} bytes.`),
      );
      return ok();
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      await sendTo(context, errorEvent('INVALID_JSON', 'The message is not JSON.'));
      return ok();
    }
    const action = (parsed as { action?: unknown } | null)?.action;
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      Array.isArray(parsed) ||
      typeof action !== 'string'
    ) {
      await sendTo(context, errorEvent('INVALID_MESSAGE', 'Send a JSON object with an "action".'));
      return ok();
    }
    if (!(QUIZ_ACTIONS as readonly string[]).includes(action)) {
      await sendTo(
        context,
        errorEvent(
          'UNKNOWN_ACTION',
          `Unknown action "${action.slice(0, 32)}"; use ${QUIZ_ACTIONS.join(', ')}.`,
        ),
      );
      return ok();
    }
    const message = clientMessageSchema.safeParse(parsed);
    if (!message.success) {
      await sendTo(context, errorEvent('INVALID_MESSAGE', describeIssue(message.error)));
      return ok();
    }
    if (message.data.action === 'ping') {
      await sendTo(context, {
        type: 'pong',
        ...(message.data.id === undefined ? {} : { id: message.data.id }),
        serverTime: now(),
      });
      return ok();
    }
    const connection = await getConnection(context.connectionId);
    if (!connection) {
      await sendTo(context, errorEvent('NOT_JOINED', 'This connection is not in a room; reconnect.'));
      return ok();
    }
    if (message.data.action === 'sync') await handleSync(context, connection);
    else await handleChat(context, connection, message.data);
    return ok();
  };

  return async (event) => {
    const parsedContext = requestContextSchema.safeParse(
      (event as Partial<QuizSocketEvent> | null | undefined)?.requestContext,
    );
    if (!parsedContext.success) {
      log({ level: 'warn', message: 'Not an API Gateway WebSocket event', error: parsedContext.error });
      return refuse(400, 'INVALID_EVENT', 'Not an API Gateway WebSocket event.');
    }
    const context = parsedContext.data;
    const kind =
      context.eventType ??
      (context.routeKey === '$connect'
        ? 'CONNECT'
        : context.routeKey === '$disconnect'
          ? 'DISCONNECT'
          : 'MESSAGE');
    try {
      if (kind === 'CONNECT') return await handleConnect(event, context);
      if (kind === 'DISCONNECT') return await handleDisconnect(context);
      return await handleMessage(event, context);
    } catch (error) {
      log({
        level: 'error',
        message: `The ${kind} handler failed`,
        connectionId: context.connectionId,
        error,
      });
      if (kind === 'MESSAGE') {
        const code = isQuizError(error) ? error.code : 'INTERNAL';
        await sendTo(
          context,
          errorEvent('INTERNAL', `The server could not handle the message (${code}).`),
        ).catch(() => undefined);
        // No body: API Gateway would relay a message route's body to the client, which already got the error.
        return { statusCode: 500 };
      }
      return refuse(500, 'INTERNAL', 'The server could not handle the request.');
    }
  };
}
