import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { queryParameters, requestMethod } from '../core/lambda/http-request.js';
import { jsonResponse } from '../core/lambda/http-response.js';
import { numberValue, readInteger, stringValue } from './attribute-values.js';
import { type BoardCatalog, resolveBoardOptions } from './board-settings.js';
import { decodeHistoryCursor, encodeHistoryCursor } from './cursor.js';
import { ScoresError } from './errors.js';
import {
  answerErrors,
  defaultScoresLogger,
  type DynamoDbClientOption,
  integerParameter,
  resolveDynamoDbClient,
  type ScoresHttpHandler,
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
  logger?: ScoresLogger;
}

/**
 * Builds the `GET /scorehistory` handler: `?board&limit&cursor` → how many plays ended with each score, by score
 * ascending, from one Query on the distribution table (never a Scan); large histograms come in pages with an
 * opaque `cursor`.
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
  const maxLimit = options.maxLimit ?? 1000;
  if (!Number.isInteger(maxLimit) || maxLimit < 1 || maxLimit > 10_000) {
    throw new ScoresError('INVALID_OPTIONS', 'maxLimit must be an integer from 1 to 10000.');
  }
  const dynamodb = resolveDynamoDbClient(options);
  const log = options.logger ?? defaultScoresLogger;
  const { board: boardAttribute, score: scoreAttribute } = tables.attributes;

  return (event) =>
    answerErrors(log, async () => {
      if (requestMethod(event) !== 'GET') throw new ScoresError('METHOD_NOT_ALLOWED', 'Use GET.');
      const query = queryParameters(event);
      const board = query.board ?? defaultBoard;
      if (!boards.settingsOf(board)) throw new ScoresError('UNKNOWN_BOARD', `There is no board "${board}".`);
      const limit = integerParameter(query.limit, 'limit', { min: 1, max: maxLimit, fallback: maxLimit });
      const cursor = query.cursor === undefined ? undefined : decodeHistoryCursor(query.cursor, board);
      const output = await dynamodb.send(
        new QueryCommand({
          TableName: tables.distributionTable,
          KeyConditionExpression: '#b = :b',
          ExpressionAttributeNames: { '#b': boardAttribute },
          ExpressionAttributeValues: { ':b': stringValue(board) },
          ScanIndexForward: true,
          Limit: limit + 1,
          ...(cursor
            ? {
                ExclusiveStartKey: {
                  [boardAttribute]: stringValue(board),
                  [scoreAttribute]: numberValue(cursor.score),
                },
              }
            : {}),
        }),
      );
      const buckets: ScoreBucket[] = [];
      for (const item of output.Items ?? []) {
        const score = readInteger(item, scoreAttribute);
        const count = readInteger(item, DISTRIBUTION_ATTRIBUTES.count);
        if (score !== undefined && count !== undefined && count > 0) buckets.push({ score, count });
      }
      const page = buckets.slice(0, limit);
      const last = page.at(-1);
      const hasMore =
        (output.Items ?? []).length > limit || (output.LastEvaluatedKey !== undefined && page.length > 0);
      const body: ScoreHistoryPage = {
        board,
        buckets: page,
        ...(hasMore && last ? { cursor: encodeHistoryCursor({ board, score: last.score }) } : {}),
      };
      return jsonResponse(200, body);
    });
}
