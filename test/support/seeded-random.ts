/**
 * A small seeded PRNG (mulberry32): the same seed always picks the same numbers, so tests and benchmarks see
 * the same data on every run.
 *
 * @example
 * ```ts
 * import { seededRandom } from '../support/seeded-random.js';
 *
 * const random = seededRandom(42);
 * const roll = Math.floor(random() * 6) + 1;
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
