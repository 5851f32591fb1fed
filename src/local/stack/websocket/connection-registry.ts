/**
 * The open connections of the WebSocket gateway by connection id, each with its socket, identity, activity
 * times and the idle and lifetime timers that close it as API Gateway would.
 */
import type { WebSocket } from 'ws';
import type { WebSocketIdentity } from './events.js';

/**
 * WebSocket close codes the gateway uses.
 *
 * @example
 * ```ts
 * connection.close(CloseCode.GOING_AWAY, 'Going away');
 * ```
 */
export const CloseCode = {
  /** `DeleteConnection`. */
  NORMAL: 1000,
  /** Idle timeout, maximum duration, gateway stopping. */
  GOING_AWAY: 1001,
  /** No close frame was received (the socket dropped or missed heartbeats). */
  ABNORMAL: 1006,
  /** A frame or message over the limits. */
  MESSAGE_TOO_BIG: 1009,
} as const;

/**
 * Why the gateway closed a connection; `undefined` when the client did.
 *
 * @example
 * ```ts
 * const cause: CloseCause = { code: 1009, reason: 'Message too big' };
 * ```
 */
export interface CloseCause {
  readonly code: number;
  readonly reason: string;
}

/**
 * One open connection.
 *
 * @example
 * ```ts
 * const connection = new LocalConnection(createApiGatewayId(), ws, { sourceIp: '127.0.0.1' }, Date.now());
 * connection.startTimers(600_000, 7_200_000);
 * ```
 */
export class LocalConnection {
  /** Last time a message went either way (client message or `@connections` POST). */
  lastActiveAt: number;
  /** Cleared by each heartbeat ping, set again by the pong (or any frame). */
  alive = true;
  /** Set once the gateway has decided to close; later messages are dropped. */
  closeCause: CloseCause | undefined;
  /** Resolves once the socket has closed, however it closed. */
  readonly closed: Promise<void>;
  readonly #timers: NodeJS.Timeout[] = [];

  /**
   * @param id - The connection id.
   * @param socket - The server side of the WebSocket.
   * @param identity - Who connected, for events and `GetConnection`.
   * @param connectedAt - Epoch milliseconds of the `$connect`.
   */
  constructor(
    readonly id: string,
    readonly socket: WebSocket,
    readonly identity: WebSocketIdentity,
    readonly connectedAt: number,
  ) {
    this.lastActiveAt = connectedAt;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Whether messages can still be sent and received. */
  get open(): boolean {
    return this.closeCause === undefined && this.socket.readyState === this.socket.OPEN;
  }

  /**
   * Starts the idle timer (reset by {@link touch}) and the lifetime timer; each closes with 1001 "Going away".
   *
   * @example
   * ```ts
   * connection.startTimers(600_000, 7_200_000);
   * ```
   */
  startTimers(idleTimeoutMs: number, maxConnectionMs: number): void {
    this.#timers.push(
      setTimeout(() => this.close(CloseCode.GOING_AWAY, 'Going away'), idleTimeoutMs),
      setTimeout(() => this.close(CloseCode.GOING_AWAY, 'Going away'), maxConnectionMs),
    );
  }

  /**
   * Records activity: updates `lastActiveAt` and restarts the idle timer.
   *
   * @example
   * ```ts
   * connection.touch();
   * ```
   */
  touch(now: number = Date.now()): void {
    this.lastActiveAt = now;
    this.alive = true;
    this.#timers[0]?.refresh();
  }

  /**
   * Closes the connection from the gateway's side with a close frame (once; later calls are ignored). The
   * socket is destroyed if the client does not answer within `ws`'s close timeout.
   *
   * @example
   * ```ts
   * connection.close(1001, 'Going away');
   * ```
   */
  close(code: number, reason: string): void {
    if (this.closeCause !== undefined) return;
    this.closeCause = { code, reason };
    this.clearTimers();
    try {
      this.socket.close(code, reason);
    } catch {
      this.socket.terminate();
    }
  }

  /**
   * Records that the socket is closing for a reason the gateway knows (e.g. `ws` rejected a message over the
   * size limit and is closing with 1009 itself), unless a cause is already recorded.
   *
   * @example
   * ```ts
   * connection.markClosing(1009, 'Message too big');
   * ```
   */
  markClosing(code: number, reason: string): void {
    this.closeCause ??= { code, reason };
    this.clearTimers();
  }

  /**
   * Drops the connection without a close frame, e.g. when it missed a heartbeat.
   *
   * @example
   * ```ts
   * connection.terminate();
   * ```
   */
  terminate(reason: string): void {
    this.closeCause ??= { code: CloseCode.ABNORMAL, reason };
    this.clearTimers();
    this.socket.terminate();
  }

  /**
   * Stops the idle and lifetime timers.
   *
   * @example
   * ```ts
   * connection.clearTimers();
   * ```
   */
  clearTimers(): void {
    for (const timer of this.#timers.splice(0)) clearTimeout(timer);
  }
}

/**
 * The open connections by id.
 *
 * @example
 * ```ts
 * const registry = new ConnectionRegistry();
 * registry.add(connection);
 * registry.get(connection.id)?.socket.send('hi');
 * ```
 */
export class ConnectionRegistry {
  readonly #connections = new Map<string, LocalConnection>();

  /** Number of registered connections. */
  get size(): number {
    return this.#connections.size;
  }

  /** Registers a connection under its id. */
  add(connection: LocalConnection): void {
    this.#connections.set(connection.id, connection);
  }

  /** The connection with this id, if it is registered. */
  get(id: string): LocalConnection | undefined {
    return this.#connections.get(id);
  }

  /** Unregisters a connection; true when it was registered. */
  delete(id: string): boolean {
    return this.#connections.delete(id);
  }

  /** A snapshot of the registered connections. */
  list(): LocalConnection[] {
    return [...this.#connections.values()];
  }
}
