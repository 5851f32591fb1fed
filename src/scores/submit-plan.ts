import type { AttributeValue, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { isBetterScore, type ResolvedBoardSettings } from './board-settings.js';
import { numberValue, readInteger, stringValue, type WireItem } from './attribute-values.js';
import { playerPartitionKey } from './partition-keys.js';
import { type ResolvedScoreTables, SCORE_ITEM_ATTRIBUTES } from './table.js';

/** A per-player, per-board fixed-window rate limit. */
export interface RateLimit {
  /** Submissions allowed per window. */
  maxSubmissions: number;
  /** Window length in seconds (windows start at multiples of it since the epoch). */
  windowSeconds: number;
}

/**
 * The per-player rate limit deployments should set: 30 submissions per player per board per 60 s — far above any
 * real play rate, low enough that one player cannot spend a stage's throttle. The factory's default stays "no
 * limit" so tests and tools are not throttled.
 *
 * @example
 * ```ts
 * import { createSubmitScoreHandler, RECOMMENDED_RATE_LIMIT } from 'serverless-game-kit/scores/lambda';
 *
 * export const handler = createSubmitScoreHandler({ rateLimit: RECOMMENDED_RATE_LIMIT });
 * ```
 */
export const RECOMMENDED_RATE_LIMIT: Readonly<RateLimit> = Object.freeze({
  maxSubmissions: 30,
  windowSeconds: 60,
});

/** One submission, validated, with everything needed to write it. */
export interface Submission {
  tables: ResolvedScoreTables;
  board: string;
  settings: ResolvedBoardSettings;
  playerId: string;
  score: number;
  name?: string;
  rateLimit?: RateLimit;
  /** Epoch milliseconds. */
  now: number;
}

/** What a player's item looked like when a conditional write failed (`ReturnValuesOnConditionCheckFailure`). */
export interface ObservedPlayerItem {
  exists: boolean;
  score?: number;
  plays?: number;
  rateWindow?: number;
  rateCount?: number;
}

/**
 * The write to attempt: an `UpdateItem` and whether it sets the ranked score (`'if-new'`: only when it creates
 * the item, i.e. when the written item has `plays` 1).
 */
export interface PlannedWrite {
  kind: 'write';
  input: UpdateItemCommandInput;
  improved: boolean | 'if-new';
}

/** The player has used up the window; nothing is written. */
export interface RateLimited {
  kind: 'rate-limited';
  retryAfterSeconds: number;
}

/**
 * Reads the parts of a player's item that decide a submission.
 *
 * @example
 * ```ts
 * const observed = observePlayerItem(error.Item, tables);
 * ```
 */
export function observePlayerItem(
  item: WireItem | undefined,
  tables: ResolvedScoreTables,
): ObservedPlayerItem {
  if (!item) return { exists: false };
  return {
    exists: true,
    score: readInteger(item, tables.attributes.score),
    plays: readInteger(item, SCORE_ITEM_ATTRIBUTES.plays),
    rateWindow: readInteger(item, SCORE_ITEM_ATTRIBUTES.rateWindow),
    rateCount: readInteger(item, SCORE_ITEM_ATTRIBUTES.rateCount),
  };
}

/**
 * The first, blind attempt: one `UpdateItem` that assumes the most common states — the player's first play on the
 * board, or (on a `best` board) a score that does not beat the kept one; with a rate limit, the first play ever
 * or a play inside the current window under the limit. `if_not_exists` makes the same expression right for a new
 * item and an existing one. When the assumption holds (almost every play once a board is busy), the submission
 * costs exactly one write; when it does not (a new best, a new rate window), DynamoDB refuses the write
 * (nothing changes) and returns the item, and {@link planExactSubmit} decides from what it saw. On a `latest`
 * board without a rate limit the blind write is unconditional and always succeeds.
 *
 * @example
 * ```ts
 * const { input } = planBlindSubmit(submission);
 * ```
 */
export function planBlindSubmit(submission: Submission): PlannedWrite {
  const builder = new UpdateBuilder(submission);
  const conditions: string[] = [];
  const latest = submission.settings.mode === 'latest';
  if (!latest) {
    const score = builder.name(submission.tables.attributes.score);
    const operator = submission.settings.order === 'desc' ? '>=' : '<=';
    conditions.push(
      `(attribute_not_exists(${score}) OR ${score} ${operator} ${builder.value(numberValue(submission.score))})`,
    );
  }
  if (submission.rateLimit) {
    const window = builder.value(numberValue(rateWindowOf(submission.now, submission.rateLimit)));
    const rateWindow = builder.name(SCORE_ITEM_ATTRIBUTES.rateWindow);
    const rateCount = builder.name(SCORE_ITEM_ATTRIBUTES.rateCount);
    const max = builder.value(numberValue(submission.rateLimit.maxSubmissions));
    conditions.push(
      `(attribute_not_exists(${rateWindow}) OR (${rateWindow} = ${window} AND ${rateCount} < ${max}))`,
    );
    builder.set(rateWindow, `if_not_exists(${rateWindow}, ${window})`);
    builder.add(rateCount, builder.value(numberValue(1)));
  }
  const improved = latest ? true : 'if-new';
  builder.recordPlay(improved);
  return { kind: 'write', input: builder.build(conditions.join(' AND ')), improved };
}

/**
 * The exact attempt after a refused blind write: decides from the observed item whether the player is rate
 * limited and whether the score improves, and conditions the write on exactly those facts (`score` still worse,
 * or still not worse; the rate window and count still as seen). A concurrent submission that changes one of them
 * makes the write fail without effect, and the caller plans again from the new item; one that does not, does
 * not conflict.
 *
 * @example
 * ```ts
 * const plan = planExactSubmit(submission, observePlayerItem(error.Item, tables));
 * if (plan.kind === 'rate-limited') return tooManyRequests(plan.retryAfterSeconds);
 * ```
 */
export function planExactSubmit(
  submission: Submission,
  observed: ObservedPlayerItem,
): PlannedWrite | RateLimited {
  const builder = new UpdateBuilder(submission);
  const conditions: string[] = [];
  if (submission.rateLimit) {
    const window = rateWindowOf(submission.now, submission.rateLimit);
    const rateCount = builder.name(SCORE_ITEM_ATTRIBUTES.rateCount);
    const rateWindow = builder.name(SCORE_ITEM_ATTRIBUTES.rateWindow);
    const windowValue = builder.value(numberValue(window));
    if (observed.rateWindow === window) {
      if ((observed.rateCount ?? 0) >= submission.rateLimit.maxSubmissions) {
        const windowEndMs = (window + 1) * submission.rateLimit.windowSeconds * 1000;
        return {
          kind: 'rate-limited',
          retryAfterSeconds: Math.max(1, Math.ceil((windowEndMs - submission.now) / 1000)),
        };
      }
      conditions.push(`${rateWindow} = ${windowValue}`);
      conditions.push(`${rateCount} < ${builder.value(numberValue(submission.rateLimit.maxSubmissions))}`);
      builder.add(rateCount, builder.value(numberValue(1)));
    } else {
      conditions.push(`(attribute_not_exists(${rateWindow}) OR ${rateWindow} <> ${windowValue})`);
      builder.set(rateWindow, windowValue);
      builder.set(rateCount, builder.value(numberValue(1)));
    }
  }
  const improved =
    submission.settings.mode === 'latest' ||
    observed.score === undefined ||
    isBetterScore(submission.settings.order, submission.score, observed.score);
  if (submission.settings.mode === 'best') {
    const score = builder.name(submission.tables.attributes.score);
    const value = builder.value(numberValue(submission.score));
    const desc = submission.settings.order === 'desc';
    conditions.push(
      improved
        ? `(attribute_not_exists(${score}) OR ${score} ${desc ? '<' : '>'} ${value})`
        : `${score} ${desc ? '>=' : '<='} ${value}`,
    );
  }
  builder.recordPlay(improved);
  return { kind: 'write', input: builder.build(conditions.join(' AND ')), improved };
}

/** The index of the fixed rate-limit window that `now` falls in. */
export function rateWindowOf(now: number, rateLimit: RateLimit): number {
  return Math.floor(now / (rateLimit.windowSeconds * 1000));
}

/** Collects the parts of an update expression with generated placeholders. */
class UpdateBuilder {
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, AttributeValue> = {};
  private readonly sets: string[] = [];
  private readonly adds: string[] = [];

  constructor(private readonly submission: Submission) {}

  name(attribute: string): string {
    const existing = Object.entries(this.names).find(([, value]) => value === attribute)?.[0];
    if (existing) return existing;
    const placeholder = `#a${Object.keys(this.names).length}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(attribute: AttributeValue): string {
    const placeholder = `:v${Object.keys(this.values).length}`;
    this.values[placeholder] = attribute;
    return placeholder;
  }

  set(name: string, value: string): void {
    this.sets.push(`${name} = ${value}`);
  }

  add(name: string, value: string): void {
    this.adds.push(`${name} ${value}`);
  }

  /** Every submission changes the item: `plays`, `lastScore` and `updatedAt` (so the stream sees each play). */
  recordPlay(improved: boolean | 'if-new'): void {
    const { submission } = this;
    const at = new Date(submission.now).toISOString();
    const score = this.value(numberValue(submission.score));
    const time = this.value(stringValue(at));
    this.add(this.name(SCORE_ITEM_ATTRIBUTES.plays), this.value(numberValue(1)));
    this.set(this.name(SCORE_ITEM_ATTRIBUTES.lastScore), score);
    this.set(this.name(SCORE_ITEM_ATTRIBUTES.updatedAt), time);
    if (submission.name !== undefined)
      this.set(this.name(SCORE_ITEM_ATTRIBUTES.name), this.value(stringValue(submission.name)));
    if (improved === 'if-new') {
      const scoreName = this.name(submission.tables.attributes.score);
      const scoredAt = this.name(SCORE_ITEM_ATTRIBUTES.scoredAt);
      this.set(scoreName, `if_not_exists(${scoreName}, ${score})`);
      this.set(scoredAt, `if_not_exists(${scoredAt}, ${time})`);
    } else if (improved) {
      this.set(this.name(submission.tables.attributes.score), score);
      this.set(this.name(SCORE_ITEM_ATTRIBUTES.scoredAt), time);
    }
  }

  build(condition: string): UpdateItemCommandInput {
    const { submission } = this;
    const expression = [
      this.sets.length > 0 ? `SET ${this.sets.join(', ')}` : '',
      this.adds.length > 0 ? `ADD ${this.adds.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return {
      TableName: submission.tables.scoresTable,
      Key: {
        [submission.tables.attributes.board]: stringValue(
          playerPartitionKey(submission.board, submission.playerId, submission.settings.shards),
        ),
        [submission.tables.attributes.player]: stringValue(submission.playerId),
      },
      UpdateExpression: expression,
      ...(condition ? { ConditionExpression: condition } : {}),
      ExpressionAttributeNames: this.names,
      ExpressionAttributeValues: this.values,
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    };
  }
}
