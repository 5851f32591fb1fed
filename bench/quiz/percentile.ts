/**
 * The p-quantile (0–1) of a list of numbers, nearest-rank; `NaN` for an empty list.
 *
 * @example
 * ```ts
 * import { percentile } from './percentile.js';
 *
 * percentile([5, 1, 3], 0.5); // 3
 * ```
 */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}
