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
 * Lays bars out left to right, each centred in an equal slot, heights proportional to the counts (the largest
 * fills `height`).
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
  const highest = Math.max(...bins.map((bin) => bin.count));
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
