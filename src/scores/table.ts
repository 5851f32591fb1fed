import * as z from 'zod';
import type { TableDefinition } from '../core/table-definition.js';
import { ScoresError } from './errors.js';

/**
 * Where scores live. Every name is configurable; the defaults are:
 *
 * | table | key | other attributes |
 * |---|---|---|
 * | `GameScores` | `board` (S, partition) + `playerId` (S, sort); GSI `byScore`: `board` + `score` (N), projecting `name`, `scoredAt` | `name`, `score`, `lastScore`, `plays`, `scoredAt`, `updatedAt`, `rateWindow`, `rateCount` |
 * | `GameScoreDistribution` | `board` (S, partition) + `score` (N, sort) | `count`; checkpoint items: `lastSeq`, `expiresAt` (TTL) |
 *
 * The scores table needs a `NEW_AND_OLD_IMAGES` stream for the distribution aggregator.
 */
export interface ScoreTablesConfig {
  /** Default `'GameScores'`. */
  scoresTable?: string;
  /** The GSI with the board as partition key and the score as sort key; default `'byScore'`. */
  scoreIndex?: string;
  /** Default `'GameScoreDistribution'`. */
  distributionTable?: string;
  /** Key attribute names, shared by both tables and the index. */
  attributes?: {
    /** Default `'board'`. */
    board?: string;
    /** Default `'playerId'`. */
    player?: string;
    /** Default `'score'`. */
    score?: string;
  };
}

/** {@link ScoreTablesConfig} with every default filled in. */
export interface ResolvedScoreTables {
  scoresTable: string;
  scoreIndex: string;
  distributionTable: string;
  attributes: { board: string; player: string; score: string };
}

/** The defaults of {@link ScoreTablesConfig}. */
export const DEFAULT_SCORE_TABLES: Readonly<ResolvedScoreTables> = Object.freeze({
  scoresTable: 'GameScores',
  scoreIndex: 'byScore',
  distributionTable: 'GameScoreDistribution',
  attributes: Object.freeze({ board: 'board', player: 'playerId', score: 'score' }),
});

/** Non-key attributes of a player's item (fixed names). */
export const SCORE_ITEM_ATTRIBUTES = Object.freeze({
  name: 'name',
  lastScore: 'lastScore',
  plays: 'plays',
  scoredAt: 'scoredAt',
  updatedAt: 'updatedAt',
  rateWindow: 'rateWindow',
  rateCount: 'rateCount',
});

/** Non-key attributes of the distribution table (fixed names). */
export const DISTRIBUTION_ATTRIBUTES = Object.freeze({
  count: 'count',
  lastSeq: 'lastSeq',
  expiresAt: 'expiresAt',
  updatedAt: 'updatedAt',
  spanLow: 'spanLow',
  spanHigh: 'spanHigh',
});

const tableName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table/index name (3-255 of A-Z a-z 0-9 _ . -)');
const attributeName = z.string().min(1).max(255);
const configSchema = z.strictObject({
  scoresTable: tableName.optional(),
  scoreIndex: tableName.optional(),
  distributionTable: tableName.optional(),
  attributes: z
    .strictObject({
      board: attributeName.optional(),
      player: attributeName.optional(),
      score: attributeName.optional(),
    })
    .optional(),
});

/**
 * Validates table settings and fills in the defaults.
 *
 * @throws {ScoresError} `INVALID_OPTIONS`
 * @example
 * ```ts
 * const tables = resolveScoreTables({ scoresTable: 'Scores-prod' });
 * ```
 */
export function resolveScoreTables(config: ScoreTablesConfig = {}): ResolvedScoreTables {
  const parsed = configSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScoresError(
      'INVALID_OPTIONS',
      `Table option ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}.`,
    );
  }
  const attributes = {
    board: parsed.data.attributes?.board ?? DEFAULT_SCORE_TABLES.attributes.board,
    player: parsed.data.attributes?.player ?? DEFAULT_SCORE_TABLES.attributes.player,
    score: parsed.data.attributes?.score ?? DEFAULT_SCORE_TABLES.attributes.score,
  };
  const names = new Set<string>([attributes.board, attributes.player, attributes.score]);
  if (names.size !== 3)
    throw new ScoresError(
      'INVALID_OPTIONS',
      'The board, player and score attributes need three distinct names.',
    );
  for (const fixed of [...Object.values(SCORE_ITEM_ATTRIBUTES), ...Object.values(DISTRIBUTION_ATTRIBUTES)]) {
    if (names.has(fixed))
      throw new ScoresError('INVALID_OPTIONS', `"${fixed}" is a reserved attribute of the scores tables.`);
  }
  return {
    scoresTable: parsed.data.scoresTable ?? DEFAULT_SCORE_TABLES.scoresTable,
    scoreIndex: parsed.data.scoreIndex ?? DEFAULT_SCORE_TABLES.scoreIndex,
    distributionTable: parsed.data.distributionTable ?? DEFAULT_SCORE_TABLES.distributionTable,
    attributes,
  };
}

/**
 * The two tables as local-stack table definitions (keys, the score GSI, the stream, the TTL attribute), for
 * `startLocalStack({ tables: scoreTables() })`. `stream: false` leaves the scores table without a stream (fast
 * bulk loads in benchmarks).
 *
 * @example
 * ```ts
 * import { startLocalStack } from 'serverless-game-kit/local';
 * import { scoreTables } from 'serverless-game-kit/scores/lambda';
 *
 * const stack = await startLocalStack({ tables: scoreTables() });
 * ```
 */
export function scoreTables(
  config: ScoreTablesConfig = {},
  options: { stream?: boolean } = {},
): TableDefinition[] {
  const tables = resolveScoreTables(config);
  const { board, player, score } = tables.attributes;
  return [
    {
      name: tables.scoresTable,
      partitionKey: { name: board, type: 'S' },
      sortKey: { name: player, type: 'S' },
      globalSecondaryIndexes: [
        {
          name: tables.scoreIndex,
          partitionKey: { name: board, type: 'S' },
          sortKey: { name: score, type: 'N' },
          projection: [SCORE_ITEM_ATTRIBUTES.name, SCORE_ITEM_ATTRIBUTES.scoredAt],
        },
      ],
      ...(options.stream === false ? {} : { stream: 'NEW_AND_OLD_IMAGES' as const }),
    },
    {
      name: tables.distributionTable,
      partitionKey: { name: board, type: 'S' },
      sortKey: { name: score, type: 'N' },
      ttlAttribute: DISTRIBUTION_ATTRIBUTES.expiresAt,
    },
  ];
}
