/**
 * The connections this Lambda container has seen, in front of the connections table: a frame of a known
 * connection costs no read.
 */
import type { ConnectionRecord, QuizStore } from '../room-store.js';

/** Most connections kept per container; the oldest is dropped first. */
const DEFAULT_CAPACITY = 10_000;

type CachedConnection = ConnectionRecord & { announced?: boolean };

/**
 * A bounded cache of connection records, read through to the table.
 *
 * @example
 * ```ts
 * const connections = new ConnectionCache(store);
 * const record = await connections.get(context.connectionId);
 * ```
 */
export class ConnectionCache {
  readonly #records = new Map<string, CachedConnection>();

  constructor(
    private readonly store: QuizStore,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  /** The connection's record, from the cache or the table; `undefined` when it is not joined. */
  async get(connectionId: string): Promise<ConnectionRecord | undefined> {
    const cached = this.#records.get(connectionId);
    if (cached) return cached;
    const record = await this.store.getConnection(connectionId);
    if (record) this.remember(record);
    return record;
  }

  /** Keeps a record, dropping the oldest when full. */
  remember(record: ConnectionRecord): void {
    if (this.#records.size >= this.capacity) {
      const oldest = this.#records.keys().next().value;
      if (oldest !== undefined) this.#records.delete(oldest);
    }
    this.#records.set(record.connectionId, record);
  }

  /** Drops a record from the cache only. */
  drop(connectionId: string): void {
    this.#records.delete(connectionId);
  }

  /** Whether this container already announced the connection's join. */
  announced(connectionId: string): boolean {
    return this.#records.get(connectionId)?.announced === true;
  }

  /** Notes that the connection's join was announced (when it is cached). */
  markAnnounced(connectionId: string): void {
    const cached = this.#records.get(connectionId);
    if (cached) cached.announced = true;
  }
}
