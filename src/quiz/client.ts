/**
 * `QuizRoom`: a player's connection to a quiz room, for browsers and Node (isomorphic-ws). Browser-safe.
 */
import IsomorphicWebSocket from 'isomorphic-ws';
import { type BackoffOptions, type Timers, backoffDelay, globalTimers } from '../core/backoff.js';
import { QuizCloseCode } from './close-codes.js';
import { QuizError } from './errors.js';
import {
  type ChatEvent,
  type CorrectEvent,
  type ErrorEvent,
  MAX_TEXT_LENGTH,
  type PresenceEvent,
  type QuizState,
  type ServerEvent,
  parseServerFrame,
} from './protocol.js';
import { createSignal } from '../core/signal.js';
import { quizSubprotocols } from './subprotocol.js';
import { applyChat, applyPresence } from './state-reducer.js';

/** The browser `WebSocket` or `ws`'s, as far as `QuizRoom` uses it. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: never) => void): void;
}

/** A `WebSocket` constructor (the browser's, `ws`, or a test double); `protocols` fill `Sec-WebSocket-Protocol`. */
export type WebSocketConstructor = new (url: string, protocols?: string[]) => WebSocketLike;

/** Timer functions, injectable for tests with fake time (the kit's one timer contract). */
export type QuizTimers = Timers;

/** Where the room's connection stands. */
export type QuizRoomStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Why the room was left for good, as `onLeave` reports it. */
export interface LeaveEvent {
  /** A {@link QuizCloseCode}, or the close code the server sent. */
  code: number;
  reason: string;
}

/** A reconnect being scheduled, as `onReconnecting` reports it. */
export interface ReconnectingEvent {
  /** 1 for the first attempt after a drop. */
  attempt: number;
  delayMs: number;
  /** Close code of the connection that dropped. */
  code: number;
}

/** Options of {@link QuizRoom.join}. */
export interface QuizRoomOptions {
  /** The WebSocket API URL, e.g. `wss://abc123.execute-api.ap-northeast-2.amazonaws.com/prod`. */
  url: string;
  /** Room id: 1–64 letters, digits, `_` or `-`. */
  room: string;
  /** Display name, 1–20 characters. */
  name: string;
  /**
   * A join token (or a function returning a fresh one, called before every connect). Sent with the player key in
   * the `Sec-WebSocket-Protocol` header, never in the URL (unless `credentialsInQuery`).
   */
  token?: string | (() => string | Promise<string>);
  /**
   * Put the token and player key in the URL's query string instead of `Sec-WebSocket-Protocol`, for WebSocket
   * clients that cannot set subprotocols. The server must allow it (`queryCredentials`). URLs end up in access
   * logs, proxies and browser consoles: avoid. Default `false`.
   */
  credentialsInQuery?: boolean;
  /**
   * A secret that identifies a guest across reconnects (16–128 URL-safe characters); keep it (e.g. in
   * `localStorage`) to keep your score across page loads. Default: a random key per `QuizRoom`.
   */
  playerKey?: string;
  /** Default: `isomorphic-ws` (the browser's `WebSocket`, or `ws` in Node). */
  WebSocket?: WebSocketConstructor;
  /** A `ping` this often keeps API Gateway's 10-minute idle timeout away. Default 240,000 ms (4 min). */
  heartbeatIntervalMs?: number;
  /** A connection whose `pong` is this late is dropped and reconnected. Default 20,000 ms. */
  pongTimeoutMs?: number;
  /** How long a (re)connect may take until the room's state arrives. Default 15,000 ms. */
  joinTimeoutMs?: number;
  /** Reconnect when a connection is this old, ahead of API Gateway's 2-hour limit. Default 6,900,000 ms (1 h 55 min). */
  maxConnectionMs?: number;
  /** Reconnect backoff, or `false` to leave on the first drop. Default 500 ms doubling up to 30 s, 10 attempts. */
  reconnect?: false | (Partial<BackoffOptions> & { maxAttempts?: number });
  /** Messages `say()` keeps while reconnecting; more are rejected with `QUEUE_FULL`. Default 20. */
  maxQueuedMessages?: number;
  /** Send `sync` when a timed round should have ended, so the server moves on. Default `true`. */
  syncAtRoundEnd?: boolean;
  /** Default: the global `setTimeout`/`clearTimeout`. */
  timers?: QuizTimers;
  /** A `[0, 1)` source for jitter. Default `Math.random`. */
  random?: () => number;
}

interface QueuedMessage {
  frame: string;
  resolve: () => void;
  reject: (error: QuizError) => void;
}

interface Settings {
  heartbeatIntervalMs: number;
  pongTimeoutMs: number;
  joinTimeoutMs: number;
  maxConnectionMs: number;
  reconnect: (BackoffOptions & { maxAttempts: number }) | false;
  maxQueuedMessages: number;
  syncAtRoundEnd: boolean;
}

const OPEN = 1;
const ROOM_ID = /^[\p{L}\p{N}_-]{1,64}$/u;
const PLAYER_KEY = /^[A-Za-z0-9_-]{16,128}$/;
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Spread of the round-end `sync`, so a whole room does not ask at the same millisecond. */
const ROUND_END_JITTER_MS = 1_500;

function randomPlayerKey(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => KEY_ALPHABET[byte % 64]).join('');
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new QuizError('INVALID_OPTIONS', `${name} must be a positive number.`);
  }
  return value;
}

function resolveSettings(options: QuizRoomOptions): Settings {
  const reconnect = options.reconnect;
  return {
    heartbeatIntervalMs: positive(options.heartbeatIntervalMs, 240_000, 'heartbeatIntervalMs'),
    pongTimeoutMs: positive(options.pongTimeoutMs, 20_000, 'pongTimeoutMs'),
    joinTimeoutMs: positive(options.joinTimeoutMs, 15_000, 'joinTimeoutMs'),
    maxConnectionMs: positive(options.maxConnectionMs, 6_900_000, 'maxConnectionMs'),
    reconnect:
      reconnect === false
        ? false
        : {
            initialDelayMs: positive(reconnect?.initialDelayMs, 500, 'reconnect.initialDelayMs'),
            maxDelayMs: positive(reconnect?.maxDelayMs, 30_000, 'reconnect.maxDelayMs'),
            factor: positive(reconnect?.factor, 2, 'reconnect.factor'),
            maxAttempts: positive(reconnect?.maxAttempts, 10, 'reconnect.maxAttempts'),
          },
    maxQueuedMessages: Math.floor(positive(options.maxQueuedMessages ?? 20, 20, 'maxQueuedMessages')),
    syncAtRoundEnd: options.syncAtRoundEnd ?? true,
  };
}

function validate(options: QuizRoomOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new QuizError('INVALID_OPTIONS', 'QuizRoom.join takes an options object.');
  }
  if (typeof options.url !== 'string' || !/^wss?:\/\//i.test(options.url)) {
    throw new QuizError('INVALID_OPTIONS', 'url must be a ws:// or wss:// URL.');
  }
  if (typeof options.room !== 'string' || !ROOM_ID.test(options.room)) {
    throw new QuizError('INVALID_OPTIONS', 'room must be 1–64 letters, digits, "_" or "-".');
  }
  const name = typeof options.name === 'string' ? options.name.trim() : '';
  if (name.length === 0 || [...name].length > 20) {
    throw new QuizError('INVALID_OPTIONS', 'name must be 1–20 characters.');
  }
  if (options.playerKey !== undefined && !PLAYER_KEY.test(options.playerKey)) {
    throw new QuizError('INVALID_OPTIONS', 'playerKey must be 16–128 URL-safe characters.');
  }
  if (options.WebSocket !== undefined && typeof options.WebSocket !== 'function') {
    throw new QuizError('INVALID_OPTIONS', 'WebSocket must be a constructor.');
  }
}

/**
 * A player in a realtime choseong quiz room. Join with {@link QuizRoom.join}, listen with the `on…` methods
 * (each returns its unsubscribe function), answer and chat with {@link QuizRoom.say}.
 *
 * The connection looks after itself: a `ping` every 4 minutes keeps API Gateway's 10-minute idle timeout away,
 * a drop (or a missing `pong`) reconnects with exponential backoff and jitter, the connection is renewed ahead
 * of the 2-hour limit, and every reconnect re-syncs the state. Messages said while reconnecting are queued
 * (up to `maxQueuedMessages`, then rejected) and sent once the state is back — never dropped silently.
 *
 * @example
 * ```ts
 * import { QuizRoom } from 'serverless-game-kit/quiz';
 *
 * const room = await QuizRoom.join({ url: 'wss://abc123.execute-api.ap-northeast-2.amazonaws.com/prod', room: 'lobby', name: '민지' });
 * room.onState((state) => console.log(`Round ${state.round}: ${state.pattern}`));
 * room.onCorrect((hit) => console.log(`${hit.name} got ${hit.word} (+${hit.points})`));
 * room.onError((error) => console.warn(error.code, error.message));
 * await room.say('사람');
 * await room.leave();
 * ```
 */
export class QuizRoom {
  readonly #options: QuizRoomOptions;
  readonly #settings: Settings;
  readonly #timers: QuizTimers;
  readonly #random: () => number;
  readonly #WebSocket: WebSocketConstructor;
  readonly #playerKey: string;

  readonly #state = createSignal<QuizState>();
  readonly #chat = createSignal<ChatEvent>();
  readonly #correct = createSignal<CorrectEvent>();
  readonly #presence = createSignal<PresenceEvent>();
  readonly #error = createSignal<ErrorEvent>();
  readonly #leave = createSignal<LeaveEvent>();
  readonly #status = createSignal<QuizRoomStatus>();
  readonly #reconnecting = createSignal<ReconnectingEvent>();

  #socket: WebSocketLike | undefined;
  #currentState: QuizState | undefined;
  #self: { playerId: string; name: string } | undefined;
  #statusValue: QuizRoomStatus = 'connecting';
  #synced = false;
  #attempt = 0;
  #queue: QueuedMessage[] = [];
  #pingId = 0;
  #timerHandles = new Map<string, unknown>();
  #leaveResult: LeaveEvent | undefined;
  #joined: { resolve: () => void; reject: (error: QuizError) => void } | undefined;
  #closedWaiters: Array<() => void> = [];
  /** Holding messages back after a `RATE_LIMITED` error. */
  #paused = false;

  private constructor(options: QuizRoomOptions) {
    this.#options = options;
    this.#settings = resolveSettings(options);
    this.#timers = options.timers ?? globalTimers;
    this.#random = options.random ?? Math.random;
    this.#WebSocket = options.WebSocket ?? (IsomorphicWebSocket as unknown as WebSocketConstructor);
    this.#playerKey = options.playerKey ?? randomPlayerKey();
  }

  /**
   * Connects to a room and resolves once its state has arrived.
   *
   * @param options - See {@link QuizRoomOptions}.
   * @returns The joined room; `room.state` is set.
   * @throws {QuizError} `INVALID_OPTIONS` (before connecting), `JOIN_FAILED` when the connection is refused or
   *   closes first (bad room id, name or token; server down), `JOIN_TIMEOUT` when no state arrives in time.
   * @example
   * ```ts
   * import { QuizRoom } from 'serverless-game-kit/quiz';
   *
   * const room = await QuizRoom.join({ url: 'ws://127.0.0.1:4011', room: 'lobby', name: '민지' });
   * console.log(room.state.pattern);
   * ```
   */
  static async join(options: QuizRoomOptions): Promise<QuizRoom> {
    validate(options);
    const room = new QuizRoom(options);
    await new Promise<void>((resolve, reject) => {
      room.#joined = { resolve, reject };
      void room.#connect();
    });
    return room;
  }

  /** The latest room state (kept current with chat and presence events between `state` events). */
  get state(): QuizState {
    return this.#currentState!;
  }

  /** Who the server says you are (your player id scores are kept under). */
  get self(): { playerId: string; name: string } {
    return this.#self ?? { playerId: '', name: this.#options.name };
  }

  /** `'open'`, `'reconnecting'`, `'connecting'` or `'closed'`. */
  get status(): QuizRoomStatus {
    return this.#statusValue;
  }

  /** Your guest player key; pass it as `playerKey` next time to come back as the same player. */
  get playerKey(): string {
    return this.#playerKey;
  }

  /**
   * Listens for the room's state: after joining, after every round change, after every reconnect.
   *
   * @returns A function that unsubscribes.
   * @example
   * ```ts
   * const stop = room.onState((state) => render(state.pattern, state.players));
   * ```
   */
  onState(listener: (state: QuizState) => void): () => void {
    return this.#state.subscribe(listener);
  }

  /**
   * Listens for chat lines (your own included).
   *
   * @returns A function that unsubscribes.
   * @example
   * ```ts
   * room.onChat((line) => append(`${line.name}: ${line.text}`));
   * ```
   */
  onChat(listener: (chat: ChatEvent) => void): () => void {
    return this.#chat.subscribe(listener);
  }

  /**
   * Listens for correct answers (who, which word, how many points).
   *
   * @returns A function that unsubscribes.
   * @example
   * ```ts
   * room.onCorrect((hit) => toast(`${hit.name}: ${hit.word} +${hit.points}`));
   * ```
   */
  onCorrect(listener: (correct: CorrectEvent) => void): () => void {
    return this.#correct.subscribe(listener);
  }

  /**
   * Listens for players joining and leaving.
   *
   * @returns A function that unsubscribes.
   * @example
   * ```ts
   * room.onPresence((presence) => console.log(presence.name, presence.event));
   * ```
   */
  onPresence(listener: (presence: PresenceEvent) => void): () => void {
    return this.#presence.subscribe(listener);
  }

  /**
   * Listens for the server's `error` events about your messages (`ROUND_TAKEN`, `WORD_ALREADY_USED`,
   * `TEXT_TOO_LONG`, …).
   *
   * @returns A function that unsubscribes.
   * @example
   * ```ts
   * room.onError((error) => { if (error.code === 'ROUND_TAKEN') toast('Too late!'); });
   * ```
   */
  onError(listener: (error: ErrorEvent) => void): () => void {
    return this.#error.subscribe(listener);
  }

  /**
   * Listens for the end of the room: `leave()`, or reconnecting gave up. Fires once.
   *
   * @returns A function that unsubscribes.
   * @example
   * ```ts
   * import { QuizCloseCode } from 'serverless-game-kit/quiz';
   *
   * room.onLeave(({ code }) => { if (code !== QuizCloseCode.Left) showOffline(); });
   * ```
   */
  onLeave(listener: (event: LeaveEvent) => void): () => void {
    return this.#leave.subscribe(listener);
  }

  /**
   * Listens for status changes (`open` ↔ `reconnecting`, `closed`).
   *
   * @returns A function that unsubscribes.
   * @example
   * ```ts
   * room.onStatus((status) => setBanner(status === 'reconnecting' ? 'Reconnecting…' : ''));
   * ```
   */
  onStatus(listener: (status: QuizRoomStatus) => void): () => void {
    return this.#status.subscribe(listener);
  }

  /**
   * Listens for scheduled reconnect attempts.
   *
   * @returns A function that unsubscribes.
   * @example
   * ```ts
   * room.onReconnecting(({ attempt, delayMs }) => console.log(`retry ${attempt} in ${delayMs} ms`));
   * ```
   */
  onReconnecting(listener: (event: ReconnectingEvent) => void): () => void {
    return this.#reconnecting.subscribe(listener);
  }

  /**
   * Sends a chat line; the server also judges it as an answer to the current pattern. While reconnecting the
   * message waits in a queue and goes out after the re-sync.
   *
   * @param text - 1–500 characters after trimming.
   * @returns Resolves once the message is handed to an open connection.
   * @throws {QuizError} (as a rejection) `INVALID_TEXT` for an empty or over-long text, `QUEUE_FULL` when too
   *   many messages wait, `LEFT` after `leave()`, `CONNECTION_LOST` when reconnecting gave up.
   * @example
   * ```ts
   * await room.say('사랑');
   * ```
   */
  say(text: string): Promise<void> {
    const trimmed = typeof text === 'string' ? text.trim() : '';
    if (trimmed.length === 0 || trimmed.length > MAX_TEXT_LENGTH) {
      return Promise.reject(
        new QuizError('INVALID_TEXT', `Say 1–${MAX_TEXT_LENGTH} characters (after trimming whitespace).`),
      );
    }
    if (this.#statusValue === 'closed') return Promise.reject(this.#closedError());
    const round = this.#currentState?.round;
    const frame = JSON.stringify({
      action: 'chat',
      text: trimmed,
      ...(round === undefined ? {} : { round }),
    });
    if (this.#canSend()) {
      this.#socket!.send(frame);
      return Promise.resolve();
    }
    if (this.#queue.length >= this.#settings.maxQueuedMessages) {
      return Promise.reject(
        new QuizError('QUEUE_FULL', `${this.#queue.length} messages are already waiting for the connection.`),
      );
    }
    return new Promise<void>((resolve, reject) => this.#queue.push({ frame, resolve, reject }));
  }

  /**
   * Asks the server for the full state again (the answer arrives through `onState`).
   *
   * @returns Nothing; a no-op while not connected (a reconnect syncs anyway).
   * @example
   * ```ts
   * room.sync();
   * ```
   */
  sync(): void {
    if (this.#canSend()) this.#socket!.send(JSON.stringify({ action: 'sync' }));
  }

  /**
   * Leaves the room: closes the connection (code {@link QuizCloseCode.Left}), rejects queued messages with
   * `LEFT`, fires `onLeave`. Calling it again does nothing.
   *
   * @returns Resolves once the connection has closed (or after 5 s).
   * @example
   * ```ts
   * await room.leave();
   * ```
   */
  async leave(): Promise<void> {
    if (this.#statusValue === 'closed') return;
    const socket = this.#socket;
    const closed =
      socket && socket.readyState <= OPEN
        ? new Promise<void>((resolve) => {
            this.#closedWaiters.push(resolve);
            this.#setTimer('leave', 5_000, resolve);
          })
        : Promise.resolve();
    this.#finish({ code: QuizCloseCode.Left, reason: 'Left' }, new QuizError('LEFT', 'The room was left.'));
    await closed;
    this.#clearTimer('leave');
  }

  #canSend(): boolean {
    return !this.#paused && this.#synced && this.#socket !== undefined && this.#socket.readyState === OPEN;
  }

  #closedError(): QuizError {
    return this.#leaveResult?.code === QuizCloseCode.Left
      ? new QuizError('LEFT', 'The room was left.')
      : new QuizError('CONNECTION_LOST', 'The connection to the room was lost.');
  }

  #setStatus(status: QuizRoomStatus): void {
    if (this.#statusValue === status) return;
    this.#statusValue = status;
    this.#status.emit(status);
  }

  #setTimer(name: string, ms: number, callback: () => void): void {
    this.#clearTimer(name);
    this.#timerHandles.set(
      name,
      this.#timers.setTimeout(() => {
        this.#timerHandles.delete(name);
        callback();
      }, ms),
    );
  }

  #clearTimer(name: string): void {
    const handle = this.#timerHandles.get(name);
    if (handle === undefined) return;
    this.#timerHandles.delete(name);
    this.#timers.clearTimeout(handle);
  }

  /** The URL (room and name only, unless `credentialsInQuery`) and the subprotocols carrying the credentials. */
  async #handshake(): Promise<{ url: string; protocols: string[] }> {
    const params = new URLSearchParams({ room: this.#options.room, name: this.#options.name.trim() });
    const option = this.#options.token;
    const token = (typeof option === 'function' ? await option() : option) || undefined;
    const credentials = { playerKey: this.#playerKey, ...(token ? { token } : {}) };
    if (this.#options.credentialsInQuery) {
      params.set('player', credentials.playerKey);
      if (token) params.set('token', token);
    }
    const base = this.#options.url;
    return {
      url: `${base}${base.includes('?') ? '&' : '?'}${params.toString()}`,
      protocols: quizSubprotocols(this.#options.credentialsInQuery ? {} : credentials),
    };
  }

  async #connect(): Promise<void> {
    let socket: WebSocketLike;
    try {
      const { url, protocols } = await this.#handshake();
      if (this.#statusValue === 'closed') return;
      socket = new this.#WebSocket(url, protocols);
    } catch (error) {
      // Never the error's text: a WebSocket constructor may quote the URL or the protocols.
      this.#onDrop(QuizCloseCode.JoinFailed, error instanceof Error ? error.name : 'Error');
      return;
    }
    this.#socket = socket;
    this.#synced = false;
    this.#setTimer('join', this.#settings.joinTimeoutMs, () =>
      this.#drop(QuizCloseCode.JoinTimeout, 'Join timeout'),
    );
    socket.addEventListener('open', () => {
      if (this.#socket !== socket) return;
      socket.send(JSON.stringify({ action: 'sync' }));
    });
    socket.addEventListener('message', (event: { data: unknown }) => {
      if (this.#socket !== socket) return;
      this.#onFrame(event.data);
    });
    socket.addEventListener('close', (event: { code?: number; reason?: string }) => {
      for (const wake of this.#closedWaiters.splice(0)) wake();
      if (this.#socket !== socket) return;
      this.#onDrop(event.code ?? QuizCloseCode.AbnormalClosure, event.reason ?? '');
    });
    // Errors are followed by `close`, which does the work.
    socket.addEventListener('error', () => undefined);
  }

  #onFrame(data: unknown): void {
    if (typeof data !== 'string') return;
    for (const event of parseServerFrame(data)) {
      // A listener may have left the room or caused a reconnect: stop delivering this frame's rest then.
      if (this.#statusValue === 'closed') return;
      this.#onEvent(event);
    }
  }

  #onEvent(event: ServerEvent): void {
    switch (event.type) {
      case 'state':
        this.#onState(event);
        break;
      case 'chat':
        if (this.#currentState) this.#currentState = applyChat(this.#currentState, event);
        this.#chat.emit(event);
        break;
      case 'correct':
        this.#correct.emit(event);
        break;
      case 'presence':
        if (this.#currentState) this.#currentState = applyPresence(this.#currentState, event);
        this.#presence.emit(event);
        break;
      case 'error':
        this.#error.emit(event);
        if (event.code === 'RATE_LIMITED') this.#onRateLimited(event);
        break;
      case 'pong':
        this.#clearTimer('pong');
        break;
    }
  }

  /**
   * The server dropped a frame for going too fast: hold every message back for `retryAfterMs` (they queue as
   * while reconnecting). With `closeCode` 1008 the server is disconnecting this client for flooding: leave
   * with that code rather than reconnect.
   */
  #onRateLimited(event: ErrorEvent): void {
    if (event.closeCode === QuizCloseCode.PolicyViolation) {
      this.#finish(
        { code: QuizCloseCode.PolicyViolation, reason: 'Disconnected for sending too many messages' },
        new QuizError(
          'CONNECTION_LOST',
          'The server disconnected this client for sending too many messages.',
        ),
      );
      return;
    }
    this.#paused = true;
    this.#setTimer('rateLimit', Math.max(event.retryAfterMs ?? 1_000, 100), () => {
      this.#paused = false;
      this.#flushQueue();
    });
  }

  #onState(state: QuizState): void {
    if (state.self) this.#self = state.self;
    this.#currentState = state;
    if (!this.#synced) {
      this.#synced = true;
      this.#attempt = 0;
      this.#clearTimer('join');
      this.#scheduleHeartbeat();
      this.#setTimer('recycle', this.#settings.maxConnectionMs, () =>
        this.#drop(QuizCloseCode.Recycle, 'Connection lifetime', true),
      );
      this.#setStatus('open');
    }
    this.#scheduleRoundEndSync(state);
    this.#state.emit(state);
    if (this.#joined) {
      const joined = this.#joined;
      this.#joined = undefined;
      joined.resolve();
    }
    this.#flushQueue();
  }

  #flushQueue(): void {
    while (this.#queue.length > 0 && this.#canSend()) {
      const message = this.#queue.shift()!;
      this.#socket!.send(message.frame);
      message.resolve();
    }
  }

  #scheduleHeartbeat(): void {
    this.#setTimer('heartbeat', this.#settings.heartbeatIntervalMs, () => {
      if (!this.#canSend()) {
        if (this.#paused) this.#scheduleHeartbeat();
        return;
      }
      this.#pingId++;
      this.#socket!.send(JSON.stringify({ action: 'ping', id: this.#pingId }));
      this.#setTimer('pong', this.#settings.pongTimeoutMs, () =>
        this.#drop(QuizCloseCode.HeartbeatTimeout, 'No pong'),
      );
      this.#scheduleHeartbeat();
    });
  }

  #scheduleRoundEndSync(state: QuizState): void {
    this.#clearTimer('roundEnd');
    if (!this.#settings.syncAtRoundEnd || state.roundEndsAt === undefined) return;
    const wait =
      Math.max(0, state.roundEndsAt - state.serverTime) + Math.floor(this.#random() * ROUND_END_JITTER_MS);
    this.#setTimer('roundEnd', wait, () => this.sync());
  }

  /** Gives up on the current socket (closing it with `code`) and handles it as a drop. */
  #drop(code: number, reason: string, immediately = false): void {
    const socket = this.#socket;
    this.#socket = undefined;
    try {
      socket?.close(code, reason);
    } catch {
      // A socket that is still connecting may refuse to close; it is abandoned either way.
    }
    this.#onDrop(code, reason, immediately);
  }

  #stopConnectionTimers(): void {
    for (const name of ['join', 'heartbeat', 'pong', 'recycle', 'roundEnd', 'rateLimit'])
      this.#clearTimer(name);
    this.#paused = false;
  }

  #onDrop(code: number, reason: string, immediately = false): void {
    this.#socket = undefined;
    this.#synced = false;
    this.#stopConnectionTimers();
    if (this.#statusValue === 'closed') return;
    if (this.#joined) {
      const joined = this.#joined;
      this.#joined = undefined;
      const error =
        code === QuizCloseCode.JoinTimeout
          ? new QuizError('JOIN_TIMEOUT', `No room state arrived within ${this.#settings.joinTimeoutMs} ms.`)
          : new QuizError(
              'JOIN_FAILED',
              `The connection closed before joining (code ${code}${reason ? `: ${reason}` : ''}).`,
            );
      this.#finish(
        { code: code === QuizCloseCode.JoinTimeout ? code : QuizCloseCode.JoinFailed, reason },
        error,
      );
      joined.reject(error);
      return;
    }
    const reconnect = this.#settings.reconnect;
    if (reconnect === false || this.#attempt >= reconnect.maxAttempts) {
      this.#finish(
        { code: QuizCloseCode.ReconnectFailed, reason: `Gave up reconnecting (last close: ${code})` },
        new QuizError('CONNECTION_LOST', 'The connection to the room was lost.'),
      );
      return;
    }
    this.#setStatus('reconnecting');
    if (immediately) {
      void this.#connect();
      return;
    }
    this.#attempt++;
    const delayMs = backoffDelay(this.#attempt, reconnect, this.#random);
    this.#reconnecting.emit({ attempt: this.#attempt, delayMs, code });
    this.#setTimer('reconnect', delayMs, () => void this.#connect());
  }

  /** Ends the room for good. */
  #finish(result: LeaveEvent, queuedError: QuizError): void {
    if (this.#statusValue === 'closed') return;
    this.#leaveResult = result;
    for (const name of [...this.#timerHandles.keys()]) if (name !== 'leave') this.#clearTimer(name);
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket && socket.readyState <= OPEN) {
      try {
        socket.close(result.code, result.reason.slice(0, 100));
      } catch {
        // Already closing.
      }
    }
    for (const message of this.#queue.splice(0)) message.reject(queuedError);
    this.#setStatus('closed');
    this.#leave.emit(result);
  }
}
