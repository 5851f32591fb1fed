import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { classifyStreamRecord } from './stream-records.js';
import { resolveScoreTables } from './table.js';

const tables = resolveScoreTables();

function record(
  overrides: Partial<DynamoDBRecord> & { newPlays?: string; oldPlays?: string | null },
): DynamoDBRecord {
  const keys = { board: { S: 'global' }, playerId: { S: 'p1' } };
  return {
    eventName: 'MODIFY',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: '111',
      Keys: keys,
      NewImage: { ...keys, lastScore: { N: '70' }, plays: { N: overrides.newPlays ?? '2' } },
      ...(overrides.oldPlays === null
        ? {}
        : { OldImage: { ...keys, lastScore: { N: '70' }, plays: { N: overrides.oldPlays ?? '1' } } }),
    },
    ...overrides,
  };
}

describe('classifyStreamRecord', () => {
  it('reads a MODIFY that adds a play as a play of lastScore', () => {
    expect(classifyStreamRecord(record({}), tables)).toMatchObject({
      kind: 'change',
      board: 'global',
      playerId: 'p1',
      play: { score: 70 },
    });
    expect(classifyStreamRecord(record({}), tables)).not.toHaveProperty('rank');
  });

  it('reads an INSERT as a play', () => {
    expect(
      classifyStreamRecord(record({ eventName: 'INSERT', newPlays: '1', oldPlays: null }), tables).kind,
    ).toBe('change');
  });

  it('reads a move of the ranked score, the board of a sharded key, and a removal', () => {
    const moved = record({});
    moved.dynamodb!.OldImage!.score = { N: '60' };
    moved.dynamodb!.NewImage!.score = { N: '70' };
    moved.dynamodb!.NewImage!.board = { S: 'daily#1/12' };
    const removal = record({ eventName: 'REMOVE' });
    delete removal.dynamodb!.NewImage;
    removal.dynamodb!.OldImage!.score = { N: '60' };

    expect(classifyStreamRecord(moved, tables)).toMatchObject({
      board: 'daily#1',
      partitionKey: 'daily#1/12',
      rank: { from: 60, to: 70 },
    });
    expect(classifyStreamRecord(removal, tables)).toMatchObject({ kind: 'change', rank: { from: 60 } });
  });

  it('ignores an edit that adds no play', () => {
    expect(classifyStreamRecord(record({ newPlays: '2', oldPlays: '2' }), tables).kind).toBe('ignored');
  });

  it('ignores a removal of an item without a ranked score', () => {
    expect(classifyStreamRecord(record({ eventName: 'REMOVE' }), tables).kind).toBe('ignored');
  });

  it('finds a MODIFY without its old image invalid (the stream needs NEW_AND_OLD_IMAGES)', () => {
    expect(classifyStreamRecord(record({ oldPlays: null }), tables)).toMatchObject({
      kind: 'invalid',
      sequenceNumber: '111',
    });
  });

  it('finds a record without a sequence number invalid', () => {
    const broken = record({});
    delete broken.dynamodb!.SequenceNumber;

    expect(classifyStreamRecord(broken, tables)).toMatchObject({ kind: 'invalid', sequenceNumber: '' });
  });
});
