/**
 * Enforces the quiz's rate limits across every Lambda instance, at the price of one conditional write per
 * admitted frame and no I/O for most refused ones.
 *
 * - **Shared state:** one item per player in the connections table (`connectionId` = `rate#<playerId>`, never a
 *   real connection id, and without `roomId` so the room index never sees it) holds the `tat` of the player's
 *   buckets and of each of its connections' (see `rate-limit.ts`), a version and a TTL. An admitted frame writes
 *   the new state with a condition on the version it read (~1 WCU, the item stays far below 1 KB); a stale
 *   version costs one consistent read (0.5–1 RCU) and a retry.
 * - **Refusals are O(1):** buckets only ever fill up between writes of others, so a refusal computed from any
 *   earlier state is right. Each instance first checks its own copy of the connection's buckets, then its copy of
 *   the player's state; only a frame both allow goes to DynamoDB. A frame the instance's copy allows is taken
 *   from that copy at once, before its write, so at most a burst of a connection's frames ever waits for
 *   DynamoDB and the rest of a flood is refused without waiting.
 * - **Flooding:** each refusal takes a token from a per-instance strike bucket of the connection (1 a second,
 *   `disconnectAfter` at once); when it is empty the connection is to be disconnected. At most one
 *   `RATE_LIMITED` reply per `replyIntervalMs` per connection and instance.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { nowSeconds } from './event.js';
import { EMPTY_BUCKETS, type PlayerBuckets, type QuizRateLimits, decideFrame, take } from './rate-limit.js';

/** What to do with a frame. */
export type RateVerdict =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly retryAfterMs: number;
      /** Send a `RATE_LIMITED` reply (at most one per `replyIntervalMs`). */
      readonly reply: boolean;
      /** The connection keeps flooding: disconnect it (true once per connection and instance). */
      readonly disconnect: boolean;
    };

/** How the limiter is set up. */
export interface QuizRateLimiterOptions {
  documents: DynamoDBDocumentClient;
  /** The connections table. */
  table: string;
  limits: QuizRateLimits;
  /** Refusals at a rate above 1 a second, in a row, before the connection is disconnected. */
  disconnectAfter: number;
  /** At most one `RATE_LIMITED` reply per connection this often. */
  replyIntervalMs: number;
  /** Players and connections remembered per instance. Default 10,000 each. */
  cacheSize?: number;
}

interface SharedState {
  /** 0: no item known. */
  version: number;
  buckets: PlayerBuckets;
}

interface ConnectionState {
  local: PlayerBuckets;
  strikes: number;
  lastReplyAt: number;
  disconnected: boolean;
}

/** Conditional writes of one frame under contention before it is refused for a moment. */
const MAX_ATTEMPTS = 8;
/** The item's lifetime after its last write; any bucket is long full again by then. */
const ITEM_TTL_SECONDS = 3_600;

function isConditionFailure(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
}

function readBuckets(item: Record<string, unknown> | undefined): SharedState | undefined {
  if (!item || typeof item.v !== 'number') return undefined;
  const connections: Record<string, [number, number]> = {};
  if (typeof item.cx === 'object' && item.cx !== null) {
    for (const [id, pair] of Object.entries(item.cx as Record<string, unknown>)) {
      if (Array.isArray(pair) && typeof pair[0] === 'number' && typeof pair[1] === 'number') {
        connections[id] = [pair[0], pair[1]];
      }
    }
  }
  return {
    version: item.v,
    buckets: {
      messages: typeof item.pm === 'number' ? item.pm : 0,
      chat: typeof item.pc === 'number' ? item.pc : 0,
      connections,
    },
  };
}

/** A `Map` that forgets its oldest entry beyond `capacity`. */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly capacity: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.capacity) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return super.set(key, value);
  }
}

/**
 * The rate limiter of one socket handler (one per Lambda instance).
 *
 * @example
 * ```ts
 * const limiter = new QuizRateLimiter({ documents, table: 'quiz-connections', limits, disconnectAfter: 20, replyIntervalMs: 1000 });
 * const verdict = await limiter.admit(connectionId, 'chat', Date.now(), async () => connection?.playerId);
 * ```
 */
export class QuizRateLimiter {
  readonly #players: BoundedMap<string, SharedState>;
  readonly #connections: BoundedMap<string, ConnectionState>;
  /** Per player, the admission in progress: frames of one player are decided one after the other here. */
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(private readonly options: QuizRateLimiterOptions) {
    this.#players = new BoundedMap(options.cacheSize ?? 10_000);
    this.#connections = new BoundedMap(options.cacheSize ?? 10_000);
  }

  /**
   * Decides one frame. `playerOf` is only called when the instance's own copy allows the frame; it resolves the
   * player id, or `undefined` for a connection that is not joined (then only the instance's copy counts).
   */
  async admit(
    connectionId: string,
    kind: 'message' | 'chat',
    now: number,
    playerOf: () => Promise<string | undefined>,
  ): Promise<RateVerdict> {
    const connection = this.#connection(connectionId);
    const local = decideFrame(connection.local, connectionId, kind, this.options.limits, now);
    if (!local.allowed) return this.#refuse(connection, local.retryAfterMs, now);
    // Reserved before any await: frames that arrive while this one is being written see it, so a flood is
    // refused here at once instead of queueing behind the shared write (each queued frame would hold an
    // invocation open and delay the disconnection).
    const before = connection.local;
    connection.local = local.next;
    const playerId = await playerOf();
    if (playerId !== undefined) {
      const shared = await this.#inTurn(playerId, () => this.#admitShared(playerId, connectionId, kind, now));
      if (shared !== undefined) {
        // Nothing is consumed by a refused frame: give the reservation back, unless a later frame reserved on
        // top of it (then the copy stays stricter than the truth for a moment, never more generous).
        if (connection.local === local.next) connection.local = before;
        return this.#refuse(connection, shared, now);
      }
    }
    return { allowed: true };
  }

  /** Forgets a connection that closed. */
  forget(connectionId: string): void {
    this.#connections.delete(connectionId);
  }

  /** Runs `work` after every earlier admission of the player in this instance (no self-contention). */
  async #inTurn<T>(playerId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(playerId) ?? Promise.resolve();
    const current = previous.then(work, work);
    const settled = current.catch(() => undefined);
    this.#queues.set(playerId, settled);
    try {
      return await current;
    } finally {
      if (this.#queues.get(playerId) === settled) this.#queues.delete(playerId);
    }
  }

  #connection(connectionId: string): ConnectionState {
    let state = this.#connections.get(connectionId);
    if (!state) {
      state = { local: EMPTY_BUCKETS, strikes: 0, lastReplyAt: -Infinity, disconnected: false };
      this.#connections.set(connectionId, state);
    }
    return state;
  }

  #refuse(connection: ConnectionState, retryAfterMs: number, now: number): RateVerdict {
    const strike = take(connection.strikes, { perSecond: 1, burst: this.options.disconnectAfter }, now);
    if ('tat' in strike) connection.strikes = strike.tat;
    const disconnect = 'waitMs' in strike && !connection.disconnected;
    if (disconnect) connection.disconnected = true;
    const reply = disconnect || now - connection.lastReplyAt >= this.options.replyIntervalMs;
    if (reply) connection.lastReplyAt = now;
    return { allowed: false, retryAfterMs, reply, disconnect };
  }

  /** `undefined` when admitted (and written), else the wait in ms. */
  async #admitShared(
    playerId: string,
    connectionId: string,
    kind: 'message' | 'chat',
    now: number,
  ): Promise<number | undefined> {
    let state = this.#players.get(playerId) ?? (await this.#read(playerId));
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const decision = decideFrame(state.buckets, connectionId, kind, this.options.limits, now);
      if (!decision.allowed) {
        this.#players.set(playerId, state);
        return decision.retryAfterMs;
      }
      if (await this.#write(playerId, state.version, decision.next, now)) {
        this.#players.set(playerId, { version: state.version + 1, buckets: decision.next });
        return undefined;
      }
      state = await this.#read(playerId);
    }
    this.#players.delete(playerId);
    return 50;
  }

  async #read(playerId: string): Promise<SharedState> {
    const result = await this.options.documents.send(
      new GetCommand({
        TableName: this.options.table,
        Key: { connectionId: `rate#${playerId}` },
        ConsistentRead: true,
      }),
    );
    return readBuckets(result.Item) ?? { version: 0, buckets: EMPTY_BUCKETS };
  }

  async #write(playerId: string, version: number, buckets: PlayerBuckets, now: number): Promise<boolean> {
    try {
      await this.options.documents.send(
        new UpdateCommand({
          TableName: this.options.table,
          Key: { connectionId: `rate#${playerId}` },
          UpdateExpression: 'SET #v = :next, pm = :pm, pc = :pc, cx = :cx, #ttl = :ttl',
          ConditionExpression: version === 0 ? 'attribute_not_exists(#v)' : '#v = :v',
          ExpressionAttributeNames: { '#v': 'v', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':next': version + 1,
            ':pm': Math.ceil(buckets.messages),
            ':pc': Math.ceil(buckets.chat),
            ':cx': Object.fromEntries(
              Object.entries(buckets.connections).map(([id, [m, c]]) => [id, [Math.ceil(m), Math.ceil(c)]]),
            ),
            ':ttl': nowSeconds(now) + ITEM_TTL_SECONDS,
            ...(version === 0 ? {} : { ':v': version }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
