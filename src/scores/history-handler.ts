import type { Logger } from '../core/logger.js';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { jsonResponse } from '../core/lambda/http-response.js';
import { numberValue, readInteger, stringValue } from './attribute-values.js';
import { type BoardCatalog, resolveBoardOptions } from './board-settings.js';
import { handlerCursorCodec } from './cursor.js';
import { boardShardKeys } from './partition-keys.js';
import {
  answerErrors,
  boardRead,
  type DynamoDbClientOption,
  integerOption,
  integerParameter,
  resolveDynamoDbClient,
  type ScoresHttpHandler,
  resolveScoresLogger,
  type ScoresLogger,
} from './handler-support.js';
import { DISTRIBUTION_ATTRIBUTES, resolveScoreTables, type ScoreTablesConfig } from './table.js';
import type { ScoreBucket, ScoreHistoryPage } from './types.js';

/** Options of {@link createScoreHistoryHandler}. */
export interface ScoreHistoryHandlerOptions extends DynamoDbClientOption {
  tables?: ScoreTablesConfig;
  /** The same catalog the submit handler uses; boards outside it answer `UNKNOWN_BOARD`. */
  boards?: BoardCatalog;
  /** Board of a request without `board`; default `'global'`. */
  defaultBoard?: string;
  /** Buckets per page by default and at most; default 1000 (a 1 000-bucket page reads about 8 RCU). */
  maxLimit?: number;
  /** Signs the paging cursors; see `LeaderboardHandlerOptions.cursorKey`. */
  cursorKey?: string | Uint8Array;
  /** Where failures are logged (`console`, a Powertools `Logger`, …); default `console`, warnings and errors. */
  logger?: Logger | ScoresLogger;
}

/**
 * Builds the `GET /scorehistory` handler: `?board&limit&cursor` → how many plays ended with each score, by score
 * ascending, from one Query per board shard on the distribution table (never a Scan), merged; large histograms
 * come in pages with a signed, opaque `cursor`.
 *
 * @throws {ScoresError} `INVALID_OPTIONS` at factory time.
 * @example
 * ```ts
 * import { createScoreHistoryHandler } from 'serverless-game-kit/scores/lambda';
 *
 * export const handler = createScoreHistoryHandler();
 * ```
 */
export function createScoreHistoryHandler(options: ScoreHistoryHandlerOptions = {}): ScoresHttpHandler {
  const tables = resolveScoreTables(options.tables);
  const { boards, defaultBoard } = resolveBoardOptions(options);
  const maxLimit = integerOption(options.maxLimit, 'maxLimit', 1000, 10_000);
  const dynamodb = resolveDynamoDbClient(options);
  const log = resolveScoresLogger(options.logger);
  const { board: boardAttribute, score: scoreAttribute } = tables.attributes;
  const cursors = handlerCursorCodec(options.cursorKey, tables, (message) => log.warn(message));

  return (event) =>
    answerErrors(log, async () => {
      const { query, board, settings } = boardRead(event, boards, defaultBoard);
      const limit = integerParameter(query.limit, 'limit', { min: 1, max: maxLimit, fallback: maxLimit });
      const cursor = query.cursor === undefined ? undefined : cursors.decodeHistory(query.cursor, board);
      // Each shard counts the plays of its own players: the same score may appear in several shards. Every
      // shard reads limit + 1 buckets, so the first `limit` distinct scores of the merge are complete.
      const shards = await Promise.all(
        boardShardKeys(board, settings.shards).map((partition) =>
          dynamodb.send(
            new QueryCommand({
              TableName: tables.distributionTable,
              KeyConditionExpression: cursor ? '#b = :b AND #s > :s' : '#b = :b',
              ExpressionAttributeNames: { '#b': boardAttribute, ...(cursor ? { '#s': scoreAttribute } : {}) },
              ExpressionAttributeValues: {
                ':b': stringValue(partition),
                ...(cursor ? { ':s': numberValue(cursor.score) } : {}),
              },
              ScanIndexForward: true,
              Limit: limit + 1,
            }),
          ),
        ),
      );
      const counts = new Map<number, number>();
      for (const output of shards)
        for (const item of output.Items ?? []) {
          const score = readInteger(item, scoreAttribute);
          const count = readInteger(item, DISTRIBUTION_ATTRIBUTES.count);
          if (score !== undefined && count !== undefined) counts.set(score, (counts.get(score) ?? 0) + count);
        }
      const merged: ScoreBucket[] = [...counts]
        .sort(([a], [b]) => a - b)
        .map(([score, count]) => ({ score, count }));
      const within = merged.slice(0, limit);
      const last = within.at(-1);
      const hasMore =
        merged.length > limit || (within.length > 0 && shards.some((output) => output.LastEvaluatedKey));
      const body: ScoreHistoryPage = {
        board,
        buckets: within.filter((bucket) => bucket.count > 0),
        ...(hasMore && last ? { cursor: cursors.encodeHistory({ board, score: last.score }) } : {}),
      };
      return jsonResponse(200, body);
    });
}
