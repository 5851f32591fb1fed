/**
 * Partition-load model of a launch day: 20,000 submissions/s on one board for 60 simulated seconds, players drawn
 * from a Zipf distribution, replayed through the real key-building code (`playerPartitionKey`, `rankDeltas`)
 * and the submit handler's write rules, counting WCU per partition key per second on the scores table, its score
 * index and the distribution table (play distribution and rank histogram, written by the stream handler at one
 * write per distinct item per batch). Prints the hottest key of each against DynamoDB's 1,000 WCU/s per-partition
 * ceiling, for one shard (the default) and for the shard count the sizing rule gives.
 */
import { playerPartitionKey } from '../../src/scores/partition-keys.js';
import { rankDeltas } from '../../src/scores/rank-histogram.js';
import { format } from './support.js';
import { seededRandom } from '../../test/support/seeded-random.js';

const RATE = 20_000;
const SECONDS = 60;
const POPULATION = 2_000_000;
const ZIPF_EXPONENT = 0.8;
/** Lambda batches: up to 1,000 records per stream shard per invocation (`BatchSize` 1000, 1 s batching window). */
const BATCH_SIZE = 1_000;
const CEILING = 1_000;
const BOARD = 'global';
/** The sizing rule of docs/scores.md: N = ceil(2 × peak submissions/s ÷ 1,000). */
const SIZED_SHARDS = Math.ceil((2 * RATE) / CEILING);

interface Loads {
  base: Map<string, number>;
  index: Map<string, number>;
  distribution: Map<string, number>;
  ranks: Map<string, number>;
}

interface Record {
  partition: string;
  score: number;
  from: number | undefined;
  to: number | undefined;
}

/** Runs the model for each shard count and prints the hottest key of every table. */
export function benchmarkPartitionLoad(): void {
  console.log(
    `\n-- Partition load model: ${format(RATE, 0)} submissions/s on one board for ${SECONDS} s, ` +
      `Zipf(${ZIPF_EXPONENT}) over ${format(POPULATION, 0)} players --`,
  );
  const sample = zipfSampler(POPULATION, ZIPF_EXPONENT);
  for (const shards of [1, SIZED_SHARDS]) {
    const hottest = simulate(shards, sample);
    const worst = Math.max(hottest.base, hottest.index, hottest.distribution, hottest.ranks);
    console.log(
      `shards ${String(shards).padStart(2)}: hottest key WCU/s — scores table ${format(hottest.base, 0)}, ` +
        `score index ${format(hottest.index, 0)}, distribution ${format(hottest.distribution, 0)}, ` +
        `rank histogram ${format(hottest.ranks, 0)} (ceiling ${format(CEILING, 0)}/key: ` +
        `${worst <= CEILING ? 'under' : `${format(worst / CEILING, 1)}x over`}); ` +
        `${hottest.streamShards} stream shards, ${format(hottest.newBests, 0)} new bests`,
    );
    if (shards > 1)
      console.log(
        `target hottest partition key <= ${format(CEILING, 0)} WCU/s (base table, GSI and aggregates) with ${shards} shards: ` +
          `${worst <= CEILING ? 'MET' : 'NOT MET'} (${format(worst, 0)} WCU/s; 1 shard: ${format(RATE, 0)}+)`,
      );
  }
}

function simulate(
  shards: number,
  sample: (random: () => number) => number,
): {
  base: number;
  index: number;
  distribution: number;
  ranks: number;
  streamShards: number;
  newBests: number;
} {
  const random = seededRandom(2026);
  const best = new Map<number, number>();
  const hottest = { base: 0, index: 0, distribution: 0, ranks: 0, streamShards: 0, newBests: 0 };
  let streamShards = 1;
  for (let second = 0; second < SECONDS; second++) {
    const loads: Loads = { base: new Map(), index: new Map(), distribution: new Map(), ranks: new Map() };
    const records: Record[] = [];
    for (let submission = 0; submission < RATE; submission++) {
      const player = sample(random);
      const playerId = `ap-northeast-2:${player.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
      const partition = playerPartitionKey(BOARD, playerId, shards);
      const score = Math.floor(1_000_000 * random() * random());
      const previous = best.get(player);
      if (previous === undefined) {
        // First play: one blind write (1 WCU) and an index insert (1 WCU).
        add(loads.base, partition, 1);
        add(loads.index, partition, 1);
        best.set(player, score);
        records.push({ partition, score, from: undefined, to: score });
      } else if (score > previous) {
        // New best: the refused blind write (1), the exact write (1), and the index entry moved (delete + put, 2).
        add(loads.base, partition, 2);
        add(loads.index, partition, 2);
        best.set(player, score);
        hottest.newBests += 1;
        records.push({ partition, score, from: previous, to: score });
      } else {
        // No new best: one write that changes no projected attribute, so no index write.
        add(loads.base, partition, 1);
        records.push({ partition, score, from: undefined, to: undefined });
      }
    }
    // Stream shards follow table partitions: at least one per 1,000 WCU/s of the table.
    const tableWcu = [...loads.base.values()].reduce((sum, value) => sum + value, 0);
    streamShards = Math.max(streamShards, Math.ceil(tableWcu / CEILING));
    aggregate(records, streamShards, loads);
    hottest.base = Math.max(hottest.base, maxOf(loads.base));
    hottest.index = Math.max(hottest.index, maxOf(loads.index));
    hottest.distribution = Math.max(hottest.distribution, maxOf(loads.distribution));
    hottest.ranks = Math.max(hottest.ranks, maxOf(loads.ranks));
  }
  hottest.streamShards = streamShards;
  return hottest;
}

/**
 * The stream handler's writes for one second: records go to the stream shard of their partition key, each shard's
 * records are cut into batches, and each batch writes each distinct aggregate item once (1 WCU).
 */
function aggregate(records: Record[], streamShards: number, loads: Loads): void {
  const byShard = new Map<number, Record[]>();
  const shardOfKey = new Map<string, number>();
  for (const record of records) {
    let shard = shardOfKey.get(record.partition);
    if (shard === undefined) {
      shard = hashKey(record.partition) % streamShards;
      shardOfKey.set(record.partition, shard);
    }
    const list = byShard.get(shard);
    if (list) list.push(record);
    else byShard.set(shard, [record]);
  }
  for (const list of byShard.values())
    for (let start = 0; start < list.length; start += BATCH_SIZE) {
      const items = new Set<string>();
      for (const record of list.slice(start, start + BATCH_SIZE)) {
        const distributionItem = `${record.partition}\u0000${record.score}`;
        if (!items.has(distributionItem)) {
          items.add(distributionItem);
          add(loads.distribution, record.partition, 1);
        }
        for (const { key } of rankDeltas(BOARD, record.from, record.to)) {
          const rankItem = `${key.partition}\u0000${key.bucket}`;
          if (!items.has(rankItem)) {
            items.add(rankItem);
            add(loads.ranks, key.partition, 1);
          }
        }
      }
    }
}

/** Draws player numbers 0..n-1 with probability ∝ 1 / (rank + 1)^s (inverse CDF over a precomputed table). */
function zipfSampler(n: number, s: number): (random: () => number) => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank++) {
    total += 1 / (rank + 1) ** s;
    cumulative[rank] = total;
  }
  return (random) => {
    const target = random() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++)
    hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193) >>> 0;
  return hash;
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function maxOf(map: Map<string, number>): number {
  let max = 0;
  for (const value of map.values()) if (value > max) max = value;
  return max;
}
