import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createLocalTable } from '../../src/local/stack/tables.js';
import { createLeaderboardHandler } from '../../src/scores/leaderboard-handler.js';
import { playerPartitionKey } from '../../src/scores/partition-keys.js';
import { rankHistogramItems } from '../../src/scores/rank-histogram.js';
import { RankSpanStore, spanOfScores } from '../../src/scores/rank-span.js';
import { resolveScoreTables, scoreTables } from '../../src/scores/table.js';
import type { AroundResult, LeaderboardPage } from '../../src/scores/types.js';
import type { CapacityMeter } from './capacity.js';
import { sampleScoreboard } from './sample-baseline.js';
import { batchWrite, format, getEvent, median } from './support.js';
import { seededRandom } from '../../test/support/seeded-random.js';

const SIZES = [10_000, 100_000];
const SHARDED_BOARD = 'sharded';
const SHARDS = 16;
const TARGET_RCU_RATIO = 1000;

/**
 * Top-10 read: our handler (a Query on the score index, `Limit` 11) against the naive baseline's Scan + sort, at 10,000
 * and 100,000 players on a stream-less table, RCU from `ReturnConsumedCapacity` and wall time, both medians.
 * At 100,000 players also: the top 10 of the same players on 16 shards against one, and the exact rank of the
 * median and the last player from the rank histogram against counting the index.
 */
export async function benchmarkTopRead(dynamodb: DynamoDBClient, meter: CapacityMeter): Promise<void> {
  const config = {
    scoresTable: `bench-scores-${Date.now().toString(36)}`,
    distributionTable: `bench-dist-${Date.now().toString(36)}`,
  };
  const [scores, distribution] = scoreTables(config, { stream: false });
  await Promise.all([createLocalTable(dynamodb, scores!), createLocalTable(dynamodb, distribution!)]);
  const shardedConfig = { ...config, scoresTable: `${config.scoresTable}-sharded` };
  await createLocalTable(dynamodb, scoreTables(shardedConfig, { stream: false })[0]!);
  const boards = { global: {}, [SHARDED_BOARD]: { shards: SHARDS } };
  const handler = createLeaderboardHandler({ dynamodb, tables: config, boards });
  const shardedHandler = createLeaderboardHandler({ dynamodb, tables: shardedConfig, boards });
  const counting = createLeaderboardHandler({ dynamodb, tables: config, boards, rank: 'count' });
  const random = seededRandom(42);
  let seeded = 0;
  const allScores: number[] = [];

  console.log("\n-- Top-10 leaderboard read: our GSI Query vs a baseline's Scan + sort --");
  for (const size of SIZES) {
    const started = performance.now();
    const items = [];
    const shardedItems = [];
    for (let index = seeded; index < size; index++) {
      const score = Math.floor(random() * random() * 1_000_000);
      const playerId = `ap-northeast-2:${index.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
      const item = {
        board: { S: 'global' },
        playerId: { S: playerId },
        name: { S: `Player ${index}` },
        score: { N: String(score) },
        lastScore: { N: String(score) },
        plays: { N: '1' },
        scoredAt: { S: '2026-11-21T00:00:00.000Z' },
        updatedAt: { S: '2026-11-21T00:00:00.000Z' },
      };
      items.push({ Item: item });
      shardedItems.push({
        Item: { ...item, board: { S: playerPartitionKey(SHARDED_BOARD, playerId, SHARDS) } },
      });
      allScores.push(score);
    }
    // The 16-shard board lives in a table of its own, so the baseline's Scan reads the one-shard board only.
    await batchWrite(dynamodb, shardedConfig.scoresTable, shardedItems);
    await batchWrite(dynamodb, config.scoresTable, items);
    seeded = size;
    console.log(`seeded ${format(size, 0)} players in ${format((performance.now() - started) / 1000)} s`);

    const ours = await measure(meter, 30, async () => {
      const result = await handler(getEvent({ board: 'global', limit: '10' }));
      const page = JSON.parse(result.body) as LeaderboardPage;
      if (page.entries.length !== 10) throw new Error('expected 10 entries');
      return page.entries.map((entry) => entry.score);
    });
    // A Scan of 100,000 players takes minutes on a shared machine: one measured run there, three below.
    const sample = await measure(meter, size >= 100_000 ? 1 : 3, async () => {
      const sorted = await sampleScoreboard(dynamodb, config.scoresTable);
      return sorted.slice(0, 10).map((item) => Number(item.score?.N));
    });
    if (JSON.stringify(ours.result) !== JSON.stringify(sample.result))
      throw new Error('top 10 differs between ours and the baseline');
    const rcuRatio = sample.rcu / ours.rcu;
    console.log(
      `${format(size, 0).padStart(7)} players | ours: ${format(ours.rcu, 1)} RCU, ${format(ours.ms, 2)} ms | ` +
        `baseline: ${format(sample.rcu, 1)} RCU, ${format(sample.ms, 0)} ms | ` +
        `ratio: ${format(rcuRatio, 0)}x fewer RCU, ${format(sample.ms / ours.ms, 0)}x faster (same top 10)`,
    );
    if (size === SIZES.at(-1)) {
      console.log(
        `target >= ${TARGET_RCU_RATIO}x fewer RCU at ${format(size, 0)} players: ${rcuRatio >= TARGET_RCU_RATIO ? 'MET' : 'NOT MET'}`,
      );
      await compareShardedTop(meter, handler, shardedHandler);
      await benchmarkRank(dynamodb, meter, config.distributionTable, allScores, { handler, counting });
    }
  }
}

/** Top 10 of the same 100,000 players on 16 shards against one shard: RCU and entries. */
async function compareShardedTop(
  meter: CapacityMeter,
  handler: ReturnType<typeof createLeaderboardHandler>,
  shardedHandler: ReturnType<typeof createLeaderboardHandler>,
): Promise<void> {
  const top = (board: string) => async () => {
    const result = await (board === SHARDED_BOARD ? shardedHandler : handler)(
      getEvent({ board, limit: '10' }),
    );
    return (JSON.parse(result.body) as LeaderboardPage).entries.map((entry) => [entry.score, entry.rank]);
  };
  const single = await measure(meter, 20, top('global'));
  const sharded = await measure(meter, 20, top(SHARDED_BOARD));
  const same = JSON.stringify(single.result) === JSON.stringify(sharded.result);
  console.log(
    `top-10 with ${SHARDS} shards vs 1: ${format(sharded.rcu, 1)} RCU vs ${format(single.rcu, 1)} RCU ` +
      `(${format(sharded.rcu / single.rcu, 1)}x), ${format(sharded.ms, 1)} ms vs ${format(single.ms, 1)} ms, ` +
      `${same ? 'same entries' : 'DIFFERENT entries'}`,
  );
  console.log(
    `target top-10 with ${SHARDS} shards <= ${SHARDS} x ${format(single.rcu, 1)} RCU, same entries: ` +
      `${sharded.rcu <= SHARDS * single.rcu && same ? 'MET' : 'NOT MET'}`,
  );
}

/**
 * Exact rank at 100,000 players: the rank histogram (default) against counting the index (the previous method),
 * for the median and the last player, RCU and latency; then `around` with neighbours at three depths.
 */
async function benchmarkRank(
  dynamodb: DynamoDBClient,
  meter: CapacityMeter,
  distributionTable: string,
  scores: number[],
  handlers: {
    handler: ReturnType<typeof createLeaderboardHandler>;
    counting: ReturnType<typeof createLeaderboardHandler>;
  },
): Promise<void> {
  const started = performance.now();
  const histogram = rankHistogramItems('global', scores);
  await batchWrite(
    dynamodb,
    distributionTable,
    histogram.map((item) => ({
      Item: {
        board: { S: item.partition },
        score: { N: String(item.bucket) },
        count: { N: String(item.count) },
      },
    })),
  );
  console.log(
    `rank histogram of ${format(scores.length, 0)} players: ${format(histogram.length, 0)} items, written in ${format((performance.now() - started) / 1000)} s`,
  );
  const byScore = scores
    .map((score, index) => ({ score, index }))
    .sort((a, b) => b.score - a.score || a.index - b.index);
  const playerAt = (position: number) => {
    const { score, index } = byScore[position - 1]!;
    return {
      playerId: `ap-northeast-2:${index.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
      rank: 1 + scores.filter((other) => other > score).length,
    };
  };
  const rankWith =
    (handler: ReturnType<typeof createLeaderboardHandler>, playerId: string, radius: string) => async () => {
      const result = await handler(getEvent({ board: 'global', around: playerId, radius }));
      return (JSON.parse(result.body) as AroundResult).player.rank;
    };
  // Without a span item every level is read (11 Queries); a backfill writes the span too, as the stream handler
  // would, and from then on only the levels the scores cross are read (0-999,999: 4 Queries).
  const median = playerAt(Math.ceil(scores.length / 2));
  const everyLevel = await measure(meter, 30, rankWith(handlers.handler, median.playerId, '0'));
  if (everyLevel.result !== median.rank) throw new Error('rank of the median player is wrong');
  await new RankSpanStore(dynamodb, resolveScoreTables({ distributionTable })).widen(
    'global',
    spanOfScores(scores)!,
  );
  const spanned = await measure(meter, 30, rankWith(handlers.handler, median.playerId, '0'));
  console.log(
    `exact rank of the median player, every level (no span) vs the levels the span crosses: ` +
      `${format(everyLevel.rcu, 1)} -> ${format(spanned.rcu, 1)} RCU, p50 ${format(everyLevel.ms, 1)} -> ${format(spanned.ms, 1)} ms ` +
      `(${format(everyLevel.ms / spanned.ms, 2)}x faster)`,
  );
  let worst = 0;
  let worstP50 = 0;
  for (const [label, position] of [
    ['median', Math.ceil(scores.length / 2)],
    ['bottom', scores.length],
  ] as const) {
    const { playerId, rank } = playerAt(position);
    const ours = await measure(meter, 30, rankWith(handlers.handler, playerId, '0'));
    const counted = await measure(meter, 1, rankWith(handlers.counting, playerId, '0'));
    if (ours.result !== rank || counted.result !== rank)
      throw new Error(`rank of the ${label} player is wrong`);
    worst = Math.max(worst, ours.rcu);
    worstP50 = Math.max(worstP50, ours.ms);
    console.log(
      `exact rank of the ${label} player (rank ${format(rank, 0)}) at ${format(scores.length, 0)} players: ` +
        `histogram ${format(ours.rcu, 1)} RCU, p50 ${format(ours.ms, 1)} ms | counting the index ${format(counted.rcu, 1)} RCU, ` +
        `${format(counted.ms, 0)} ms | ${format(counted.rcu / ours.rcu, 0)}x fewer RCU (both equal brute force)`,
    );
  }
  console.log(`target exact rank <= 10 RCU at the median and the bottom: ${worst <= 10 ? 'MET' : 'NOT MET'}`);
  // One round trip to DynamoDB Local in the same run, so a loaded machine's figure can be read as a ratio.
  const roundTrip = await measure(meter, 30, () =>
    dynamodb.send(
      new GetItemCommand({
        TableName: distributionTable,
        Key: { board: { S: 'global~rspan' }, score: { N: '0' } },
      }),
    ),
  );
  console.log(
    `target rank read p50 <= 20 ms (local): ${worstP50 <= 20 ? 'MET' : 'NOT MET'} (${format(worstP50, 1)} ms; ` +
      `one GetItem round trip to DynamoDB Local in this run: p50 ${format(roundTrip.ms, 1)} ms, so a rank costs ` +
      `${format(worstP50 / roundTrip.ms, 1)} round trips)`,
  );
  for (const depth of [10, 1_000, 50_000]) {
    const { playerId } = playerAt(depth);
    const around = await measure(meter, 5, rankWith(handlers.handler, playerId, '5'));
    console.log(
      `  around (radius 5) near rank ${format(depth, 0)}: ${format(around.rcu, 1)} RCU, ${format(around.ms, 1)} ms`,
    );
  }
}

async function measure<T>(
  meter: CapacityMeter,
  runs: number,
  work: () => Promise<T>,
): Promise<{ rcu: number; ms: number; result: T }> {
  const times: number[] = [];
  const units: number[] = [];
  let result: T | undefined;
  await work();
  for (let run = 0; run < runs; run++) {
    meter.reset();
    const started = performance.now();
    result = await work();
    times.push(performance.now() - started);
    units.push(meter.total());
  }
  return { rcu: median(units), ms: median(times), result: result as T };
}
