/**
 * Geometry of the score distribution chart, without the DOM: buckets (`{score, count}` from `GET /scorehistory`)
 * become bars; with more distinct scores than fit, neighbouring scores share a bar.
 */
import type { ScoreBucket } from 'serverless-game-kit/scores';

/** One bar: the scores it covers (inclusive), how many plays, and where it is drawn. */
export interface ChartBar {
  from: number;
  to: number;
  count: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Size of the drawing and the bars. */
export interface ChartLayoutOptions {
  width: number;
  height: number;
  /** At most this many bars; default 40. */
  maxBars?: number;
  /** Space between bars; default 2. */
  gap?: number;
  /** Bars are at most this wide (a lone bar should not fill the chart); default 48. */
  maxBarWidth?: number;
  /** The count drawn at full height (the top of the count axis); default: the largest bar's count. */
  countMax?: number;
}

/** The count axis: its top value and the counts to label, from 0 up, evenly spaced. */
export interface CountAxis {
  max: number;
  ticks: number[];
}

/**
 * A count axis for bars up to `highest` plays: whole-number steps of 1, 2 or 5 × 10ⁿ, at most `maxTicks` steps,
 * the top at or just above `highest`.
 *
 * @example
 * ```ts
 * countAxis(7); // { max: 8, ticks: [0, 2, 4, 6, 8] }
 * ```
 */
export function countAxis(highest: number, maxTicks = 4): CountAxis {
  const top = Math.max(1, Math.ceil(highest));
  const rough = top / maxTicks;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(
    1,
    [1, 2, 5, 10].map((factor) => factor * magnitude).find((size) => size >= rough) ?? 1,
  );
  const max = Math.ceil(top / step) * step;
  return { max, ticks: Array.from({ length: max / step + 1 }, (_, index) => index * step) };
}

/**
 * Groups buckets into at most `maxBars` bars of equal score ranges (each bucket is one bar when they fit).
 *
 * @param buckets - Sorted or not; counts of the same score are added.
 * @example
 * ```ts
 * binScores([{ score: 1, count: 2 }, { score: 9, count: 1 }], 40); // two bars: 1–1 (2), 9–9 (1)
 * ```
 */
export function binScores(
  buckets: readonly ScoreBucket[],
  maxBars: number,
): Array<{ from: number; to: number; count: number }> {
  const counts = new Map<number, number>();
  for (const bucket of buckets) {
    if (bucket.count > 0) counts.set(bucket.score, (counts.get(bucket.score) ?? 0) + bucket.count);
  }
  const scores = [...counts.keys()].sort((a, b) => a - b);
  if (scores.length <= maxBars) {
    return scores.map((score) => ({ from: score, to: score, count: counts.get(score) ?? 0 }));
  }
  const min = scores[0] ?? 0;
  const max = scores[scores.length - 1] ?? 0;
  const size = Math.ceil((max - min + 1) / maxBars);
  const bins = new Map<number, { from: number; to: number; count: number }>();
  for (const score of scores) {
    const index = Math.floor((score - min) / size);
    const bin = bins.get(index) ?? { from: min + index * size, to: min + (index + 1) * size - 1, count: 0 };
    bin.count += counts.get(score) ?? 0;
    bins.set(index, bin);
  }
  return [...bins.values()].sort((a, b) => a.from - b.from);
}

/**
 * Lays bars out left to right, each centred in an equal slot, heights proportional to the counts (`countMax`, or
 * else the largest count, fills `height`).
 *
 * @example
 * ```ts
 * layoutBars([{ score: 10, count: 3 }], { width: 300, height: 120 });
 * // [{ from: 10, to: 10, count: 3, x: 126, y: 0, width: 48, height: 120 }]
 * ```
 */
export function layoutBars(buckets: readonly ScoreBucket[], options: ChartLayoutOptions): ChartBar[] {
  const bins = binScores(buckets, options.maxBars ?? 40);
  if (bins.length === 0) return [];
  const gap = options.gap ?? 2;
  const slot = options.width / bins.length;
  const barWidth = Math.max(1, Math.min(slot - gap, options.maxBarWidth ?? 48));
  const highest = options.countMax ?? Math.max(...bins.map((bin) => bin.count));
  return bins.map((bin, index) => {
    const height = (bin.count / highest) * options.height;
    return {
      ...bin,
      x: index * slot + (slot - barWidth) / 2,
      y: options.height - height,
      width: barWidth,
      height,
    };
  });
}
