import type { Logger } from '../core/logger.js';
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { jsonResponse } from '../core/lambda/http-response.js';
import { stringValue } from './attribute-values.js';
import {
  type BoardCatalog,
  isBetterScore,
  resolveBoardOptions,
  type ResolvedBoardSettings,
} from './board-settings.js';
import { type CursorCodec, handlerCursorCodec, type LeaderboardCursor } from './cursor.js';
import { ScoresError } from './errors.js';
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
import { isValidPlayerId, type PlayerResolver, resolvePlayerId } from './identity.js';
import { shardKey, shardOf } from './partition-keys.js';
import { type RankCounts, RankHistogramReader } from './rank-histogram.js';
import { RankSpanStore, rankLevelsToRead, spanWith } from './rank-span.js';
import { type AroundCounts, aroundCountsNeeded, type AroundWindow, rankAround, rankPage } from './ranking.js';
import { ScoreIndexReader, toScoreRow } from './score-index-reader.js';
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
  /**
   * Where `around` takes a rank from. `'histogram'` (default): the rank histogram the stream handler maintains —
   * 11 small Queries, about 6 RCU whatever the rank; reflects submissions once the stream has carried them (usually
   * within a second). `'count'`: a `Select: COUNT` over every index entry above the player, exact at once but
   * O(rank) read capacity (about 50 RCU at rank 10,000), for boards whose histogram was never built.
   */
  rank?: 'histogram' | 'count';
  /**
   * Signs the paging cursors (HMAC-SHA256) so that an edited cursor is refused with `INVALID_CURSOR`: a random
   * secret of at least 16 bytes. Default: the `SCORES_CURSOR_KEY` environment variable, else a key derived from the
   * deployment (not secret; set one in production).
   */
  cursorKey?: string | Uint8Array;
  /** Where failures are logged (`console`, a Powertools `Logger`, …); default `console`, warnings and errors. */
  logger?: Logger | ScoresLogger;
}

/**
 * Builds the `GET /scoreboard` handler (Queries only, never a Scan). A board of N shards is read as one list,
 * merged across its shards (better score first, ties by shard, then index order):
 *
 * - `?board&limit&cursor` → the top `limit` rows (default 10), best first, with competition ranks and a signed,
 *   opaque `cursor` for the next page. One Query per shard: about 0.5 RCU × N for a top 10.
 * - `?board&around=<playerId|me>&radius` → the player's exact rank and `radius` rows (default 5) above and below;
 *   for `around=me` without a score yet, 200 with `player: null` (404 `PLAYER_NOT_FOUND` for another player id).
 *   The rank is 1 + the players strictly better, read from the rank histogram: one Query of ≤ 31 small items per
 *   level the board's scores span (4 for scores up to 10⁶, 6 up to 10⁹, at most 11), plus the board's span item —
 *   about 2.5–6.5 RCU at any rank and any board size; the neighbours cost 2 Queries per shard (≈ 0.5 RCU each) and
 *   the player's item a consistent 1 RCU read, fetched together with the span.
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
  const maxLimit = integerOption(options.maxLimit, 'maxLimit', 100, 1000);
  const maxRadius = integerOption(options.maxRadius, 'maxRadius', 25, 100);
  const dynamodb = resolveDynamoDbClient(options);
  const log = resolveScoresLogger(options.logger);
  const rankSource = options.rank ?? 'histogram';
  if (rankSource !== 'histogram' && rankSource !== 'count')
    throw new ScoresError('INVALID_OPTIONS', "rank must be 'histogram' or 'count'.");
  const cursors = handlerCursorCodec(options.cursorKey, tables, (message) => log.warn(message));
  const reader = new LeaderboardReader(dynamodb, tables, cursors, rankSource);

  return (event) =>
    answerErrors(log, async () => {
      const { query, board, settings } = boardRead(event, boards, defaultBoard);
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
        try {
          return jsonResponse(200, await reader.around(board, settings, playerId, radius));
        } catch (error) {
          // The caller without a score yet is a state of their own screen, not a failed request: 200 with no row.
          if (query.around !== 'me' || !(error instanceof ScoresError) || error.code !== 'PLAYER_NOT_FOUND')
            throw error;
          return jsonResponse(200, { board, order: settings.order, player: null, above: [], below: [] });
        }
      }
      const limit = integerParameter(query.limit, 'limit', {
        min: 1,
        max: maxLimit,
        fallback: Math.min(10, maxLimit),
      });
      const cursor =
        query.cursor === undefined
          ? undefined
          : cursors.decodeLeaderboard(query.cursor, board, settings.shards);
      return jsonResponse(200, await reader.top(board, settings, limit, cursor));
    });
}

/** Reads pages and neighbourhoods from the score index, and ranks from the histogram or by counting. */
class LeaderboardReader {
  private readonly index: ScoreIndexReader;
  private readonly histogram: RankHistogramReader;
  private readonly spans: RankSpanStore;

  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tables: ResolvedScoreTables,
    private readonly cursors: CursorCodec,
    private readonly rankSource: 'histogram' | 'count',
  ) {
    this.index = new ScoreIndexReader(dynamodb, tables);
    this.histogram = new RankHistogramReader(dynamodb, tables);
    this.spans = new RankSpanStore(dynamodb, tables);
  }

  async top(
    board: string,
    settings: ResolvedBoardSettings,
    limit: number,
    cursor: LeaderboardCursor | undefined,
  ): Promise<LeaderboardPage> {
    const { rows, more } = await this.index.page(board, settings.order, settings.shards, limit, cursor);
    const entries = rankPage(rows, cursor);
    const last = entries.at(-1);
    const lastRow = rows.at(-1);
    const position = (cursor?.position ?? 0) + entries.length;
    return {
      board,
      order: settings.order,
      entries,
      ...(more && last && lastRow
        ? {
            cursor: this.cursors.encodeLeaderboard({
              board,
              shards: settings.shards,
              shard: lastRow.shard,
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
    const { order, shards } = settings;
    const shard = shardOf(playerId, shards);
    const [output, span] = await Promise.all([
      this.dynamodb.send(
        new GetItemCommand({
          TableName: this.tables.scoresTable,
          Key: {
            [attributes.board]: stringValue(shardKey(board, shard, shards)),
            [attributes.player]: stringValue(playerId),
          },
          ConsistentRead: true,
          ProjectionExpression: '#p, #s, #n, #t',
          ExpressionAttributeNames: {
            '#p': attributes.player,
            '#s': attributes.score,
            '#n': SCORE_ITEM_ATTRIBUTES.name,
            '#t': SCORE_ITEM_ATTRIBUTES.scoredAt,
          },
        }),
      ),
      this.rankSource === 'histogram' ? this.spans.read(board) : undefined,
    ]);
    const player = output.Item ? toScoreRow(output.Item, this.tables) : undefined;
    if (!player)
      throw new ScoresError('PLAYER_NOT_FOUND', `Player ${playerId} has no score on board "${board}".`);
    const point = { score: player.score, shard, playerId };
    const [above, below, histogramCounts] = await Promise.all([
      radius === 0 ? [] : this.index.neighbours(board, order, shards, point, 'better', radius),
      radius === 0 ? [] : this.index.neighbours(board, order, shards, point, 'worse', radius),
      this.rankSource === 'histogram'
        ? this.histogram.countsAt(board, order, player.score, rankLevelsToRead(spanWith(span, player.score)))
        : undefined,
    ]);
    const window = { order, player, above, below, radius };
    const counts = histogramCounts
      ? await this.countsFromHistogram(board, window, histogramCounts)
      : await this.countsByQuery(board, shards, window);
    return { board, order, ...rankAround(window, counts) };
  }

  /**
   * The histogram lags the stream by a moment, while the window is read now: the counts never go below what the
   * window itself shows, so a rank is never ahead of the rows printed next to it.
   */
  private async countsFromHistogram(
    board: string,
    window: AroundWindow,
    counts: RankCounts,
  ): Promise<AroundCounts> {
    const needed = aroundCountsNeeded(window);
    const shown = (score: number): number =>
      window.above.filter((row) => row.score === score).length +
      window.below.filter((row) => row.score === score).length +
      (window.player.score === score ? 1 : 0);
    const better = window.above.filter((row) => isBetterScore(window.order, row.score, window.player.score));
    const tiedWithTop =
      needed.tiedWithTop === undefined
        ? undefined
        : Math.max(await this.histogram.tiedAt(board, needed.tiedWithTop), shown(needed.tiedWithTop));
    return {
      betterThanPlayer: Math.max(counts.better, better.length),
      tiedWithPlayer: Math.max(counts.tied, shown(window.player.score)),
      ...(tiedWithTop === undefined ? {} : { tiedWithTop }),
    };
  }

  /** The counts by `Select: COUNT` Queries over every index entry above the player: O(rank) read capacity. */
  private async countsByQuery(board: string, shards: number, window: AroundWindow): Promise<AroundCounts> {
    const needed = aroundCountsNeeded(window);
    const better = window.order === 'desc' ? '>' : '<';
    const [betterThanPlayer, tiedWithPlayer, tiedWithTop] = await Promise.all([
      needed.betterThanPlayer ? this.index.count(board, shards, better, window.player.score) : undefined,
      needed.tiedWithPlayer ? this.index.count(board, shards, '=', window.player.score) : undefined,
      needed.tiedWithTop !== undefined ? this.index.count(board, shards, '=', needed.tiedWithTop) : undefined,
    ]);
    return { betterThanPlayer, tiedWithPlayer, tiedWithTop };
  }
}
