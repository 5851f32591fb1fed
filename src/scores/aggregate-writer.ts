import { createHash } from 'node:crypto';
import {
  type AttributeValue,
  type DynamoDBClient,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { numberValue, readString, stringValue, type WireItem } from './attribute-values.js';
import type { Logger } from '../core/logger.js';
import { SEQUENCE_NUMBER_WIDTH } from './sequence-number.js';
import type { ChangeRecord } from './stream-records.js';
import { DISTRIBUTION_ATTRIBUTES, type ResolvedScoreTables } from './table.js';

/**
 * Prefix of the high-water mark attributes on aggregate items: `~hw#<lane>` = `<padded sequence>@<epoch s>`, the
 * last sequence number of that lane applied to the item and when. A lane is a stream shard (or, when the event
 * does not name its shard, the start of a batch); board and attribute names never start with `~`.
 */
export const HIGH_WATER_MARK_PREFIX = '~hw#';

/** Marks not written for this long are pruned: stream records live 24 h, so nothing they guard can come again. */
export const MARK_RETENTION_SECONDS = 25 * 3600;

/** One contribution of one record to one aggregate item. */
export interface ItemEntry {
  record: ChangeRecord;
  delta: number;
  /** The lanes whose marks this record advances (and any of which proves it applied). */
  lanes: readonly string[];
}

/** Everything a batch adds to one aggregate item, entries in sequence order. */
export interface ItemWork {
  partition: string;
  sortKey: number;
  entries: ItemEntry[];
}

/** What the writer did, for the handler's summary. */
export interface WriterTally {
  writes: number;
  wcu: number;
  marksPruned: number;
}

/** How the writer runs. */
export interface WriterSettings {
  /** `false` for at-least-once: plain `ADD`, no marks, no conditions. */
  exactlyOnce: boolean;
  concurrency: number;
  timeLeft: (() => number) | undefined;
  deadlineMarginMs: number;
  nowSeconds: number;
  log: Logger;
}

/** Attempts per item (a failed guard teaches the item's marks; a second failure means a concurrent writer). */
const MAX_ITEM_ATTEMPTS = 5;

/**
 * A short, stable name for a lane: 12 base64url characters (72 bits) of SHA-256.
 *
 * @example
 * ```ts
 * const lane = laneId('shard', `${eventSourceARN}#${shardId}`);
 * ```
 */
export function laneId(kind: 'shard' | 'batch', source: string): string {
  return `${kind === 'shard' ? 's' : 'b'}${createHash('sha256').update(source).digest('base64url').slice(0, 12)}`;
}

/**
 * Applies a batch's contributions with one `UpdateItem` per distinct aggregate item (1 WCU for items ≤ 1 KB):
 * `ADD count :sum SET <mark of each lane> = :max`, conditioned on every lane's mark being absent or below the
 * lowest sequence number the update carries for it. When the condition fails, the old item (returned with the
 * failure, no read needed) shows which entries were already applied — those at or below a mark — and the update
 * is retried with only the others. Redelivery, bisected halves and retries that mix applied and new records all
 * land in that path. Items are independent: one that keeps failing is reported, the others stand.
 */
export class AggregateWriter {
  readonly tally: WriterTally = { writes: 0, wcu: 0, marksPruned: 0 };
  /** Entries applied by this invocation. */
  readonly applied = new Set<ItemEntry>();
  /** Entries found already applied by an earlier delivery. */
  readonly duplicates = new Set<ItemEntry>();

  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tables: ResolvedScoreTables,
    private readonly settings: WriterSettings,
  ) {}

  /** @returns the items that could not be applied (their pending entries must be retried). */
  async apply(items: ItemWork[]): Promise<ItemWork[]> {
    const queue = [...items];
    const failed: ItemWork[] = [];
    const worker = async (): Promise<void> => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        const timeLeft = this.settings.timeLeft?.();
        if (timeLeft !== undefined && timeLeft < this.settings.deadlineMarginMs) {
          failed.push(item);
          continue;
        }
        const pending = await this.applyItem(item);
        if (pending.length > 0) failed.push({ ...item, entries: pending });
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.settings.concurrency, Math.max(1, items.length)) }, worker),
    );
    if (failed.length > 0 && failed.some((item) => item.entries.length > 0)) {
      this.settings.log.warn(
        `scores stream: ${failed.length} aggregate item(s) not applied (deadline or errors); their records will be retried`,
      );
    }
    return failed;
  }

  /** @returns the entries left unapplied. */
  private async applyItem(item: ItemWork): Promise<ItemEntry[]> {
    let pending = item.entries;
    for (let attempt = 0; attempt < MAX_ITEM_ATTEMPTS; attempt++) {
      if (pending.length === 0) return [];
      try {
        const output = await this.dynamodb.send(new UpdateItemCommand(this.update(item, pending)));
        this.tally.writes += 1;
        this.tally.wcu += 1;
        for (const entry of pending) this.applied.add(entry);
        if (this.settings.exactlyOnce) await this.pruneStaleMarks(item, pending, output.Attributes);
        return [];
      } catch (error) {
        if ((error as Error | undefined)?.name !== 'ConditionalCheckFailedException') {
          this.settings.log.error('scores stream: an aggregate update failed', { error });
          return pending;
        }
        // A refused conditional write is billed as a write.
        this.tally.wcu += 1;
        const old = (error as { Item?: WireItem }).Item;
        const fresh = pending.filter((entry) => !isCovered(entry, old));
        for (const entry of pending) if (!fresh.includes(entry)) this.duplicates.add(entry);
        pending = fresh;
      }
    }
    return pending;
  }

  private update(item: ItemWork, entries: ItemEntry[]): UpdateItemCommandInput {
    const { attributes } = this.tables;
    const names: Record<string, string> = { '#count': DISTRIBUTION_ATTRIBUTES.count };
    const values: Record<string, AttributeValue> = {
      ':n': numberValue(entries.reduce((sum, entry) => sum + entry.delta, 0)),
    };
    const key = {
      [attributes.board]: stringValue(item.partition),
      [attributes.score]: numberValue(item.sortKey),
    };
    if (!this.settings.exactlyOnce) {
      return {
        TableName: this.tables.distributionTable,
        Key: key,
        UpdateExpression: 'ADD #count :n',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      };
    }
    const sets: string[] = [];
    const guards: string[] = [];
    for (const [index, [lane, range]] of [...laneRanges(entries)].entries()) {
      names[`#m${index}`] = `${HIGH_WATER_MARK_PREFIX}${lane}`;
      values[`:max${index}`] = stringValue(`${range.max}@${this.settings.nowSeconds}`);
      values[`:min${index}`] = stringValue(range.min);
      sets.push(`#m${index} = :max${index}`);
      guards.push(`(attribute_not_exists(#m${index}) OR #m${index} < :min${index})`);
    }
    return {
      TableName: this.tables.distributionTable,
      Key: key,
      UpdateExpression: `ADD #count :n SET ${sets.join(', ')}`,
      ConditionExpression: guards.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_OLD',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    };
  }

  /**
   * Removes the marks of lanes that wrote nothing for {@link MARK_RETENTION_SECONDS} (closed stream shards, old
   * batches), seen on the old item the update returned (free: return values cost no read capacity). The removal
   * is conditioned on each mark still holding the value seen, so a lane that wakes up is never unguarded.
   */
  private async pruneStaleMarks(
    item: ItemWork,
    entries: ItemEntry[],
    old: WireItem | undefined,
  ): Promise<void> {
    const current = new Set(
      entries.flatMap((entry) => entry.lanes.map((lane) => `${HIGH_WATER_MARK_PREFIX}${lane}`)),
    );
    const stale = Object.keys(old ?? {}).filter((name) => {
      if (!name.startsWith(HIGH_WATER_MARK_PREFIX) || current.has(name)) return false;
      const writtenAt = Number(readString(old, name)?.split('@')[1]);
      return !Number.isFinite(writtenAt) || this.settings.nowSeconds - writtenAt > MARK_RETENTION_SECONDS;
    });
    if (stale.length === 0) return;
    const names: Record<string, string> = {};
    const values: Record<string, AttributeValue> = {};
    stale.forEach((name, index) => {
      names[`#s${index}`] = name;
      values[`:s${index}`] = stringValue(readString(old, name) ?? '');
    });
    const { attributes } = this.tables;
    try {
      await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.tables.distributionTable,
          Key: {
            [attributes.board]: stringValue(item.partition),
            [attributes.score]: numberValue(item.sortKey),
          },
          UpdateExpression: `REMOVE ${stale.map((_, index) => `#s${index}`).join(', ')}`,
          ConditionExpression: stale.map((_, index) => `#s${index} = :s${index}`).join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      this.tally.writes += 1;
      this.tally.wcu += 1;
      this.tally.marksPruned += stale.length;
    } catch (error) {
      // A mark refreshed meanwhile stays; pruning is only housekeeping.
      this.tally.wcu += 1;
      if ((error as Error | undefined)?.name !== 'ConditionalCheckFailedException')
        this.settings.log.warn('scores stream: pruning stale marks failed', { error });
    }
  }
}

/** Per lane, the lowest and highest sequence number among `entries` that advance it. */
function laneRanges(entries: ItemEntry[]): Map<string, { min: string; max: string }> {
  const ranges = new Map<string, { min: string; max: string }>();
  for (const entry of entries) {
    const sequence = entry.record.paddedSequence;
    for (const lane of entry.lanes) {
      const range = ranges.get(lane);
      if (!range) ranges.set(lane, { min: sequence, max: sequence });
      else {
        if (sequence < range.min) range.min = sequence;
        if (sequence > range.max) range.max = sequence;
      }
    }
  }
  return ranges;
}

/** True when the item already holds this entry: one of its lanes has a mark at or above its sequence number. */
function isCovered(entry: ItemEntry, old: WireItem | undefined): boolean {
  return entry.lanes.some((lane) => {
    const mark = readString(old, `${HIGH_WATER_MARK_PREFIX}${lane}`);
    return mark !== undefined && mark.slice(0, SEQUENCE_NUMBER_WIDTH) >= entry.record.paddedSequence;
  });
}
