import type { DynamoDBRecord } from 'aws-lambda';
import { readInteger, readString, type WireItem } from './attribute-values.js';
import { BOARD_NAME_PATTERN } from './board-name.js';
import { isValidPlayerId } from './identity.js';
import { padSequenceNumber } from './sequence-number.js';
import { type ResolvedScoreTables, SCORE_ITEM_ATTRIBUTES } from './table.js';

/** A stream record that is one play: the player's `plays` grew, and `lastScore` is the score played. */
export interface PlayRecord {
  kind: 'play';
  /** As delivered: the batch item failure identifier. */
  sequenceNumber: string;
  /** Zero-padded, comparable as a string. */
  paddedSequence: string;
  board: string;
  playerId: string;
  score: number;
}

/** A record that is not a play (a removal, an edit that did not add a play): skipped, never a failure. */
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

/** What one stream record means for the score distribution. */
export type ClassifiedRecord = PlayRecord | IgnoredRecord | InvalidRecord;

/**
 * Classifies a DynamoDB Streams record of the scores table. A play is an `INSERT` with `plays` ≥ 1, or a `MODIFY`
 * whose new `plays` is greater than the old one (needs the `NEW_AND_OLD_IMAGES` view type); it counts the new
 * image's `lastScore`. `REMOVE`s, records of other sources and edits that add no play are ignored. The
 * classification depends only on the record, so a record that is invalid once is invalid on every redelivery.
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
  if (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY')
    return { kind: 'ignored', sequenceNumber };
  const newImage = record.dynamodb?.NewImage as WireItem | undefined;
  if (!newImage)
    return {
      kind: 'invalid',
      sequenceNumber,
      reason: 'no NewImage: the stream view type must be NEW_AND_OLD_IMAGES',
    };
  const newPlays = readInteger(newImage, SCORE_ITEM_ATTRIBUTES.plays);
  if (newPlays === undefined)
    return { kind: 'invalid', sequenceNumber, reason: 'NewImage has no integer plays' };
  let oldPlays = 0;
  if (record.eventName === 'MODIFY') {
    const oldImage = record.dynamodb?.OldImage as WireItem | undefined;
    if (!oldImage)
      return {
        kind: 'invalid',
        sequenceNumber,
        reason: 'no OldImage: the stream view type must be NEW_AND_OLD_IMAGES',
      };
    oldPlays = readInteger(oldImage, SCORE_ITEM_ATTRIBUTES.plays) ?? 0;
  }
  if (newPlays <= oldPlays) return { kind: 'ignored', sequenceNumber };
  const board = readString(newImage, tables.attributes.board);
  const playerId = readString(newImage, tables.attributes.player);
  const score = readInteger(newImage, SCORE_ITEM_ATTRIBUTES.lastScore);
  if (board === undefined || !BOARD_NAME_PATTERN.test(board))
    return { kind: 'invalid', sequenceNumber, reason: 'no valid board' };
  if (!isValidPlayerId(playerId)) return { kind: 'invalid', sequenceNumber, reason: 'no valid player id' };
  if (score === undefined)
    return { kind: 'invalid', sequenceNumber, reason: 'NewImage has no integer lastScore' };
  return { kind: 'play', sequenceNumber, paddedSequence, board, playerId, score };
}
