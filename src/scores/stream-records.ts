import type { DynamoDBRecord } from 'aws-lambda';
import { readInteger, readString, type WireItem } from './attribute-values.js';
import { BOARD_NAME_PATTERN } from './board-name.js';
import { isValidPlayerId } from './identity.js';
import { boardOfPartitionKey } from './partition-keys.js';
import { padSequenceNumber } from './sequence-number.js';
import { type ResolvedScoreTables, SCORE_ITEM_ATTRIBUTES } from './table.js';

/**
 * A stream record that changes an aggregate: a play (counted in the score distribution) and/or a move of the
 * player's ranked score (counted in the rank histogram).
 */
export interface ChangeRecord {
  kind: 'change';
  /** As delivered: the batch item failure identifier. */
  sequenceNumber: string;
  /** Zero-padded, comparable as a string. */
  paddedSequence: string;
  board: string;
  /** The item's partition key as stored (`<board>` or `<board>/<shard>`): the distribution counts it under it. */
  partitionKey: string;
  playerId: string;
  /** Present when the record is a play: the score played (`lastScore`). */
  play?: { score: number };
  /** Present when the player's ranked score moved: from (absent for a new player) → to (absent for a removal). */
  rank?: { from?: number; to?: number };
}

/** A record that changes no aggregate (an edit that adds no play and moves no score): skipped, never a failure. */
export interface IgnoredRecord {
  kind: 'ignored';
  sequenceNumber: string;
}

/** A record that cannot be applied (malformed images, wrong stream view type): reported as a batch item failure. */
export interface InvalidRecord {
  kind: 'invalid';
  sequenceNumber: string;
  reason: string;
}

/** What one stream record means for the aggregates. */
export type ClassifiedRecord = ChangeRecord | IgnoredRecord | InvalidRecord;

/**
 * Classifies a DynamoDB Streams record of the scores table (needs the `NEW_AND_OLD_IMAGES` view type):
 *
 * - a play is an `INSERT` with `plays` ≥ 1, or a `MODIFY` whose new `plays` is greater than the old one; it counts
 *   the new image's `lastScore`;
 * - a rank move is any change of the ranked `score` between the old and the new image (an `INSERT` adds the
 *   player, a `REMOVE` takes them out).
 *
 * Records of other sources and edits that change neither are ignored. The classification depends only on the
 * record, so a record that is invalid once is invalid on every redelivery.
 *
 * @example
 * ```ts
 * const classified = event.Records.map((record) => classifyStreamRecord(record, tables));
 * ```
 */
export function classifyStreamRecord(record: DynamoDBRecord, tables: ResolvedScoreTables): ClassifiedRecord {
  const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
  const paddedSequence = padSequenceNumber(sequenceNumber);
  if (paddedSequence === undefined)
    return { kind: 'invalid', sequenceNumber, reason: 'no valid SequenceNumber' };
  if (record.eventSource !== undefined && record.eventSource !== 'aws:dynamodb')
    return { kind: 'ignored', sequenceNumber };
  const eventName = record.eventName;
  if (eventName !== 'INSERT' && eventName !== 'MODIFY' && eventName !== 'REMOVE')
    return { kind: 'ignored', sequenceNumber };
  const newImage = eventName === 'REMOVE' ? undefined : (record.dynamodb?.NewImage as WireItem | undefined);
  const oldImage = record.dynamodb?.OldImage as WireItem | undefined;
  if (eventName !== 'REMOVE' && !newImage)
    return invalid(sequenceNumber, 'no NewImage: the stream view type must be NEW_AND_OLD_IMAGES');
  if (eventName !== 'INSERT' && !oldImage)
    return invalid(sequenceNumber, 'no OldImage: the stream view type must be NEW_AND_OLD_IMAGES');
  const image = (newImage ?? oldImage)!;

  let play: ChangeRecord['play'];
  if (newImage) {
    const newPlays = readInteger(newImage, SCORE_ITEM_ATTRIBUTES.plays);
    if (newPlays === undefined) return invalid(sequenceNumber, 'NewImage has no integer plays');
    const oldPlays = oldImage ? (readInteger(oldImage, SCORE_ITEM_ATTRIBUTES.plays) ?? 0) : 0;
    if (newPlays > oldPlays) {
      const score = readInteger(newImage, SCORE_ITEM_ATTRIBUTES.lastScore);
      if (score === undefined) return invalid(sequenceNumber, 'NewImage has no integer lastScore');
      play = { score };
    }
  }
  const from = oldImage ? readInteger(oldImage, tables.attributes.score) : undefined;
  const to = newImage ? readInteger(newImage, tables.attributes.score) : undefined;
  const rank =
    from === to
      ? undefined
      : { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
  if (!play && !rank) return { kind: 'ignored', sequenceNumber };

  const partitionKey = readString(image, tables.attributes.board);
  const board = partitionKey === undefined ? undefined : boardOfPartitionKey(partitionKey);
  const playerId = readString(image, tables.attributes.player);
  if (partitionKey === undefined || board === undefined || !BOARD_NAME_PATTERN.test(board))
    return invalid(sequenceNumber, 'no valid board');
  if (!isValidPlayerId(playerId)) return invalid(sequenceNumber, 'no valid player id');
  return {
    kind: 'change',
    sequenceNumber,
    paddedSequence,
    board,
    partitionKey,
    playerId,
    ...(play ? { play } : {}),
    ...(rank ? { rank } : {}),
  };
}

function invalid(sequenceNumber: string, reason: string): InvalidRecord {
  return { kind: 'invalid', sequenceNumber, reason };
}
