/**
 * The quiz's rate limits as pure functions: token buckets kept as one number each (GCRA, the "theoretical
 * arrival time"), so the state of every bucket of a player fits in one small DynamoDB item.
 *
 * A bucket of `perSecond` tokens a second holding at most `burst` stores `tat`: the time at which it would be
 * full again. A frame at `now` is allowed when `max(tat, now) + 1000 / perSecond - now ≤ burst × 1000 /
 * perSecond`, and then moves `tat` to that sum. A `tat` in the past is a full bucket, so state never needs a
 * reset and entries whose `tat` has passed can be dropped.
 */

/** One token bucket: `perSecond` tokens a second, at most `burst` at once. */
export interface TokenBucketLimit {
  perSecond: number;
  burst: number;
}

/** The four buckets every frame is checked against: messages (every frame) and chat lines, per connection and per player. */
export interface QuizRateLimits {
  connectionMessages: TokenBucketLimit;
  connectionChat: TokenBucketLimit;
  playerMessages: TokenBucketLimit;
  playerChat: TokenBucketLimit;
}

/** The buckets of one player: its own two, and two per connection that has sent recently. */
export interface PlayerBuckets {
  /** `tat` of the player's message bucket (epoch ms; 0 = full). */
  messages: number;
  /** `tat` of the player's chat bucket. */
  chat: number;
  /** Per connection id: `[messages tat, chat tat]`. Connections whose buckets are full are left out. */
  connections: Record<string, [number, number]>;
}

/** What a frame may do. */
export type BucketDecision =
  | { readonly allowed: true; readonly next: PlayerBuckets }
  | { readonly allowed: false; readonly retryAfterMs: number };

/** Full buckets: a player that has sent nothing recently. */
export const EMPTY_BUCKETS: PlayerBuckets = Object.freeze({ messages: 0, chat: 0, connections: {} });

/**
 * Where a bucket's `tat` moves for one more frame, or how long until that frame would fit.
 *
 * @example
 * ```ts
 * take(0, { perSecond: 2, burst: 4 }, 10_000); // { tat: 10_500 }
 * ```
 */
export function take(
  tat: number,
  limit: TokenBucketLimit,
  now: number,
): { tat: number } | { waitMs: number } {
  const interval = 1000 / limit.perSecond;
  const next = Math.max(tat, now) + interval;
  const excess = next - now - limit.burst * interval;
  // A microsecond of slack: `interval` is rarely exact in binary, and a burst must not lose its last frame to it.
  return excess <= 1e-3 ? { tat: next } : { waitMs: Math.ceil(excess) };
}

/**
 * Checks one frame of `connectionId` against its connection's and its player's buckets (chat lines also against
 * the chat buckets). Allowed: the buckets after the frame, with connections whose buckets are full dropped.
 * Refused: how long until the frame would fit; nothing is consumed.
 *
 * @example
 * ```ts
 * const decision = decideFrame(buckets, 'L0SM9cOFvHcCIhw=', 'chat', limits, Date.now());
 * if (!decision.allowed) reply({ code: 'RATE_LIMITED', retryAfterMs: decision.retryAfterMs });
 * ```
 */
export function decideFrame(
  buckets: PlayerBuckets,
  connectionId: string,
  kind: 'message' | 'chat',
  limits: QuizRateLimits,
  now: number,
): BucketDecision {
  const [connectionMessages = 0, connectionChat = 0] = buckets.connections[connectionId] ?? [];
  const steps = [
    take(connectionMessages, limits.connectionMessages, now),
    take(buckets.messages, limits.playerMessages, now),
    ...(kind === 'chat'
      ? [take(connectionChat, limits.connectionChat, now), take(buckets.chat, limits.playerChat, now)]
      : []),
  ];
  let waitMs = 0;
  for (const step of steps) if ('waitMs' in step) waitMs = Math.max(waitMs, step.waitMs);
  if (waitMs > 0) return { allowed: false, retryAfterMs: waitMs };
  const tats = steps.map((step) => (step as { tat: number }).tat);
  const connections: Record<string, [number, number]> = {};
  for (const [id, pair] of Object.entries(buckets.connections)) {
    if (id !== connectionId && (pair[0] > now || pair[1] > now)) connections[id] = pair;
  }
  connections[connectionId] = [tats[0]!, kind === 'chat' ? tats[2]! : connectionChat];
  return {
    allowed: true,
    next: {
      messages: tats[1]!,
      chat: kind === 'chat' ? tats[3]! : buckets.chat,
      connections,
    },
  };
}
