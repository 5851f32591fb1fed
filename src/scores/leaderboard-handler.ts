import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { queryParameters, requestMethod } from '../core/lambda/http-request.js';
import { jsonResponse } from '../core/lambda/http-response.js';
import { numberValue, readInteger, readString, stringValue, type WireItem } from './attribute-values.js';
import { type BoardCatalog, resolveBoardOptions, type ResolvedBoardSettings } from './board-settings.js';
import { decodeLeaderboardCursor, encodeLeaderboardCursor } from './cursor.js';
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
import { isValidPlayerId, type PlayerResolver, resolvePlayerId } from './identity.js';
import { type AroundCounts, aroundCountsNeeded, rankAround, rankPage, type ScoreRow } from './ranking.js';
import {
  type ResolvedScoreTables,
  resolveScoreTables,
  SCORE_ITEM_ATTRIBUTES,
  type ScoreTablesConfig,
} from './table.js';
import type { AroundResult, LeaderboardPage } from './types.js';

/** Options of {@link createLeaderboardHandler}. */
export interface LeaderboardHandlerOptions extends DynamoDbClientOption {
  tables?: ScoreTablesConfig;
  /** The same catalog the submit handler uses (it decides each board's order). */
  boards?: BoardCatalog;
  /** Board of a request without `board`; default `'global'`. */
  defaultBoard?: string;
  /** Largest `limit`; default 100. */
  maxLimit?: number;
  /** Largest `radius` of `around`; default 25. */
  maxRadius?: number;
  /** Resolves `around=me`; default: the Cognito identity in the request context, as for submissions. */
  resolvePlayer?: PlayerResolver;
  logger?: ScoresLogger;
}

/**
 * Builds the `GET /scoreboard` handler, always a Query on the score index (never a Scan):
 *
 * - `?board&limit&cursor` → the top `limit` rows (default 10), best first, with competition ranks and an opaque
 *   `cursor` for the next page. Costs the index entries read: about 0.5 RCU for a top 10.
 * - `?board&around=<playerId|me>&radius` → the player's exact rank and `radius` rows (default 5) above and below.
 *   The rank is 1 + a `Select: 'COUNT'` Query of the entries strictly better than the player: it reads every
 *   index entry above the player, so it costs O(rank) read capacity (≈ 0.5 RCU per 4 KB of entries, about 100
 *   entries of this index), paged through `LastEvaluatedKey`. A player at rank 10 000 costs about 50 RCU.
 *
 * @throws {ScoresError} `INVALID_OPTIONS` at factory time.
 * @example
 * ```ts
 * import { createLeaderboardHandler } from 'serverless-game-kit/scores/lambda';
 *
 * export const handler = createLeaderboardHandler({ boards: { global: {}, 'speedrun#*': { order: 'asc' } } });
 * ```
 */
export function createLeaderboardHandler(options: LeaderboardHandlerOptions = {}): ScoresHttpHandler {
  const tables = resolveScoreTables(options.tables);
  const { boards, defaultBoard } = resolveBoardOptions(options);
  const maxLimit = boundedOption(options.maxLimit, 'maxLimit', 100, 1000);
  const maxRadius = boundedOption(options.maxRadius, 'maxRadius', 25, 100);
  const dynamodb = resolveDynamoDbClient(options);
  const log = options.logger ?? defaultScoresLogger;
  const reader = new ScoreIndexReader(dynamodb, tables);

  return (event) =>
    answerErrors(log, async () => {
      if (requestMethod(event) !== 'GET') throw new ScoresError('METHOD_NOT_ALLOWED', 'Use GET.');
      const query = queryParameters(event);
      const board = query.board ?? defaultBoard;
      const settings = boards.settingsOf(board);
      if (!settings) throw new ScoresError('UNKNOWN_BOARD', `There is no board "${board}".`);
      if (query.around !== undefined) {
        const radius = integerParameter(query.radius, 'radius', {
          min: 0,
          max: maxRadius,
          fallback: Math.min(5, maxRadius),
        });
        let playerId: string | undefined = query.around;
        if (playerId === 'me') {
          playerId = await resolvePlayerId(event, options.resolvePlayer);
          if (playerId === undefined)
            throw new ScoresError('UNAUTHENTICATED', 'around=me needs a signed-in player.');
        }
        if (!isValidPlayerId(playerId))
          throw new ScoresError('INVALID_QUERY', 'around must be a player id or "me".');
        return jsonResponse(200, await reader.around(board, settings, playerId, radius));
      }
      const limit = integerParameter(query.limit, 'limit', {
        min: 1,
        max: maxLimit,
        fallback: Math.min(10, maxLimit),
      });
      const cursor = query.cursor === undefined ? undefined : decodeLeaderboardCursor(query.cursor, board);
      return jsonResponse(200, await reader.top(board, settings, limit, cursor));
    });
}

/** Reads pages, neighbourhoods and counts from the score index. */
class ScoreIndexReader {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tables: ResolvedScoreTables,
  ) {}

  async top(
    board: string,
    settings: ResolvedBoardSettings,
    limit: number,
    cursor: ReturnType<typeof decodeLeaderboardCursor> | undefined,
  ): Promise<LeaderboardPage> {
    const output = await this.dynamodb.send(
      new QueryCommand({
        ...this.boardQuery(board),
        // Ask for one more row than the page holds: it tells whether there is a next page.
        Limit: limit + 1,
        ScanIndexForward: settings.order === 'asc',
        ...(cursor ? { ExclusiveStartKey: this.indexKey(board, cursor.playerId, cursor.score) } : {}),
      }),
    );
    const rows = (output.Items ?? [])
      .map((item) => this.toRow(item))
      .filter((row): row is ScoreRow => row !== undefined);
    const pageRows = rows.slice(0, limit);
    const entries = rankPage(pageRows, cursor);
    const last = entries.at(-1);
    const hasMore = rows.length > limit || (output.LastEvaluatedKey !== undefined && pageRows.length > 0);
    const position = (cursor?.position ?? 0) + entries.length;
    return {
      board,
      order: settings.order,
      entries,
      ...(hasMore && last
        ? {
            cursor: encodeLeaderboardCursor({
              board,
              playerId: last.playerId,
              score: last.score,
              position,
              rank: last.rank,
            }),
          }
        : {}),
    };
  }

  async around(
    board: string,
    settings: ResolvedBoardSettings,
    playerId: string,
    radius: number,
  ): Promise<AroundResult> {
    const { attributes } = this.tables;
    const output = await this.dynamodb.send(
      new GetItemCommand({
        TableName: this.tables.scoresTable,
        Key: { [attributes.board]: stringValue(board), [attributes.player]: stringValue(playerId) },
        ConsistentRead: true,
        ProjectionExpression: '#p, #s, #n, #t',
        ExpressionAttributeNames: {
          '#p': attributes.player,
          '#s': attributes.score,
          '#n': SCORE_ITEM_ATTRIBUTES.name,
          '#t': SCORE_ITEM_ATTRIBUTES.scoredAt,
        },
      }),
    );
    const player = output.Item ? this.toRow(output.Item) : undefined;
    if (!player)
      throw new ScoresError('PLAYER_NOT_FOUND', `Player ${playerId} has no score on board "${board}".`);
    const startKey = this.indexKey(board, player.playerId, player.score);
    // Index order is ascending score: on a `desc` board the rows ranked above come after the player.
    const aboveForward = settings.order === 'desc';
    const [above, below] =
      radius === 0
        ? [[], []]
        : await Promise.all([
            this.neighbours(board, startKey, aboveForward, radius),
            this.neighbours(board, startKey, !aboveForward, radius),
          ]);
    const window = { order: settings.order, player, above, below, radius };
    const needed = aroundCountsNeeded(window);
    const better = settings.order === 'desc' ? '>' : '<';
    const [betterThanPlayer, tiedWithPlayer, tiedWithTop] = await Promise.all([
      needed.betterThanPlayer ? this.count(board, better, player.score) : undefined,
      needed.tiedWithPlayer ? this.count(board, '=', player.score) : undefined,
      needed.tiedWithTop !== undefined ? this.count(board, '=', needed.tiedWithTop) : undefined,
    ]);
    const counts: AroundCounts = { betterThanPlayer, tiedWithPlayer, tiedWithTop };
    const ranked = rankAround(window, counts);
    return { board, order: settings.order, ...ranked };
  }

  private async neighbours(
    board: string,
    startKey: Record<string, AttributeValue>,
    forward: boolean,
    radius: number,
  ): Promise<ScoreRow[]> {
    const output = await this.dynamodb.send(
      new QueryCommand({
        ...this.boardQuery(board),
        Limit: radius,
        ScanIndexForward: forward,
        ExclusiveStartKey: startKey,
      }),
    );
    return (output.Items ?? [])
      .map((item) => this.toRow(item))
      .filter((row): row is ScoreRow => row !== undefined);
  }

  /** Counts index entries of `board` whose score is `operator` `score`, paging through `LastEvaluatedKey`. */
  private async count(board: string, operator: '>' | '<' | '=', score: number): Promise<number> {
    let total = 0;
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const output = await this.dynamodb.send(
        new QueryCommand({
          TableName: this.tables.scoresTable,
          IndexName: this.tables.scoreIndex,
          KeyConditionExpression: `#b = :b AND #s ${operator} :s`,
          ExpressionAttributeNames: {
            '#b': this.tables.attributes.board,
            '#s': this.tables.attributes.score,
          },
          ExpressionAttributeValues: { ':b': stringValue(board), ':s': numberValue(score) },
          Select: 'COUNT',
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      total += output.Count ?? 0;
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return total;
  }

  private boardQuery(board: string): QueryCommandInput {
    return {
      TableName: this.tables.scoresTable,
      IndexName: this.tables.scoreIndex,
      KeyConditionExpression: '#b = :b',
      ExpressionAttributeNames: { '#b': this.tables.attributes.board },
      ExpressionAttributeValues: { ':b': stringValue(board) },
    };
  }

  private indexKey(board: string, playerId: string, score: number): Record<string, AttributeValue> {
    const { attributes } = this.tables;
    return {
      [attributes.board]: stringValue(board),
      [attributes.player]: stringValue(playerId),
      [attributes.score]: numberValue(score),
    };
  }

  private toRow(item: WireItem): ScoreRow | undefined {
    const playerId = readString(item, this.tables.attributes.player);
    const score = readInteger(item, this.tables.attributes.score);
    if (playerId === undefined || score === undefined) return undefined;
    const name = readString(item, SCORE_ITEM_ATTRIBUTES.name);
    const scoredAt = readString(item, SCORE_ITEM_ATTRIBUTES.scoredAt);
    return {
      playerId,
      score,
      ...(name === undefined ? {} : { name }),
      ...(scoredAt === undefined ? {} : { scoredAt }),
    };
  }
}

function boundedOption(value: number | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ScoresError('INVALID_OPTIONS', `${name} must be an integer from 1 to ${max}.`);
  }
  return value;
}
