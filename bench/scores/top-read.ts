import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLocalTable } from '../../src/local/stack/tables.js';
import { createLeaderboardHandler } from '../../src/scores/leaderboard-handler.js';
import { scoreTables } from '../../src/scores/table.js';
import type { AroundResult, LeaderboardPage } from '../../src/scores/types.js';
import type { CapacityMeter } from './capacity.js';
import { sampleScoreboard } from './sample-baseline.js';
import { batchWrite, format, getEvent, median, seededRandom } from './support.js';

const SIZES = [10_000, 100_000];
const TARGET_RCU_RATIO = 1000;

/**
 * Top-10 read: our handler (a Query on the score index, `Limit` 11) against the sample's Scan + sort, at 10,000
 * and 100,000 players on a stream-less table, RCU from `ReturnConsumedCapacity` and wall time, both medians.
 * Also prints the RCU of an exact rank lookup (`around`) at three depths.
 */
export async function benchmarkTopRead(dynamodb: DynamoDBClient, meter: CapacityMeter): Promise<void> {
  const config = {
    scoresTable: `bench-scores-${Date.now().toString(36)}`,
    distributionTable: `bench-dist-${Date.now().toString(36)}`,
  };
  const [scores, distribution] = scoreTables(config, { stream: false });
  await Promise.all([createLocalTable(dynamodb, scores!), createLocalTable(dynamodb, distribution!)]);
  const handler = createLeaderboardHandler({ dynamodb, tables: config });
  const random = seededRandom(42);
  let seeded = 0;

  console.log("\n-- Top-10 leaderboard read: our GSI Query vs the sample's Scan + sort --");
  for (const size of SIZES) {
    const started = performance.now();
    const items = [];
    for (let index = seeded; index < size; index++) {
      const score = Math.floor(random() * random() * 1_000_000);
      items.push({
        Item: {
          board: { S: 'global' },
          playerId: {
            S: `ap-northeast-2:${index.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
          },
          name: { S: `Player ${index}` },
          score: { N: String(score) },
          lastScore: { N: String(score) },
          plays: { N: '1' },
          scoredAt: { S: '2026-11-21T00:00:00.000Z' },
          updatedAt: { S: '2026-11-21T00:00:00.000Z' },
        },
      });
    }
    await batchWrite(dynamodb, config.scoresTable, items);
    seeded = size;
    console.log(`seeded ${format(size, 0)} players in ${format((performance.now() - started) / 1000)} s`);

    const ours = await measure(meter, 30, async () => {
      const result = await handler(getEvent({ board: 'global', limit: '10' }));
      const page = JSON.parse(result.body) as LeaderboardPage;
      if (page.entries.length !== 10) throw new Error('expected 10 entries');
      return page.entries.map((entry) => entry.score);
    });
    const sample = await measure(meter, 3, async () => {
      const sorted = await sampleScoreboard(dynamodb, config.scoresTable);
      return sorted.slice(0, 10).map((item) => Number(item.score?.N));
    });
    if (JSON.stringify(ours.result) !== JSON.stringify(sample.result))
      throw new Error('top 10 differs between ours and the sample');
    const rcuRatio = sample.rcu / ours.rcu;
    console.log(
      `${format(size, 0).padStart(7)} players | ours: ${format(ours.rcu, 1)} RCU, ${format(ours.ms, 2)} ms | ` +
        `sample: ${format(sample.rcu, 1)} RCU, ${format(sample.ms, 0)} ms | ` +
        `ratio: ${format(rcuRatio, 0)}x fewer RCU, ${format(sample.ms / ours.ms, 0)}x faster (same top 10)`,
    );
    if (size === SIZES.at(-1)) {
      console.log(
        `target >= ${TARGET_RCU_RATIO}x fewer RCU at ${format(size, 0)} players: ${rcuRatio >= TARGET_RCU_RATIO ? 'MET' : 'NOT MET'}`,
      );
      const all = await sampleScoreboard(dynamodb, config.scoresTable);
      for (const depth of [10, 1_000, 50_000]) {
        const playerId = all[depth - 1]!.playerId!.S!;
        const around = await measure(meter, 3, async () => {
          const result = await handler(getEvent({ board: 'global', around: playerId, radius: '5' }));
          return (JSON.parse(result.body) as AroundResult).player.rank;
        });
        console.log(
          `  exact rank (around, radius 5) near rank ${format(depth, 0)}: ${format(around.rcu, 1)} RCU, ${format(around.ms, 1)} ms (count Query over the entries above: O(rank))`,
        );
      }
    }
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
