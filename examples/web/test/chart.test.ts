import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { binScores, countAxis, layoutBars } from '../src/chart.js';

describe('the distribution chart', () => {
  it('gives each distinct score its own bar when they fit', () => {
    expect(
      binScores(
        [
          { score: 9, count: 1 },
          { score: 3, count: 2 },
        ],
        40,
      ),
    ).toEqual([
      { from: 3, to: 3, count: 2 },
      { from: 9, to: 9, count: 1 },
    ]);
  });

  it('groups neighbouring scores into equal ranges when there are too many', () => {
    const buckets = Array.from({ length: 10 }, (_, index) => ({ score: index, count: 1 }));

    expect(binScores(buckets, 4)).toEqual([
      { from: 0, to: 2, count: 3 },
      { from: 3, to: 5, count: 3 },
      { from: 6, to: 8, count: 3 },
      { from: 9, to: 11, count: 1 },
    ]);
  });

  it('leaves out scores nobody played', () => {
    expect(binScores([{ score: 5, count: 0 }], 40)).toEqual([]);
  });

  it('draws the most played score at full height and the others in proportion', () => {
    const bars = layoutBars(
      [
        { score: 10, count: 4 },
        { score: 20, count: 1 },
      ],
      { width: 200, height: 100, gap: 0, maxBarWidth: 100 },
    );

    expect(bars).toEqual([
      { from: 10, to: 10, count: 4, x: 0, y: 0, width: 100, height: 100 },
      { from: 20, to: 20, count: 1, x: 100, y: 75, width: 100, height: 25 },
    ]);
  });

  it('keeps a lone bar narrow, in the middle of the chart', () => {
    const [bar] = layoutBars([{ score: 7, count: 1 }], { width: 480, height: 160 });

    expect(bar).toMatchObject({ x: 216, width: 48, height: 160 });
  });

  it('draws nothing for an empty distribution', () => {
    expect(layoutBars([], { width: 200, height: 100 })).toEqual([]);
  });

  it('scales the bars to the top of the count axis when given', () => {
    const [bar] = layoutBars([{ score: 7, count: 3 }], { width: 480, height: 160, countMax: 4 });

    expect(bar).toMatchObject({ y: 40, height: 120 });
  });
});

describe('the count axis', () => {
  it.each([
    [1, { max: 1, ticks: [0, 1] }],
    [3, { max: 3, ticks: [0, 1, 2, 3] }],
    [7, { max: 8, ticks: [0, 2, 4, 6, 8] }],
    [10, { max: 10, ticks: [0, 5, 10] }],
    [37, { max: 40, ticks: [0, 10, 20, 30, 40] }],
    [0, { max: 1, ticks: [0, 1] }],
  ])('labels %i plays as %j', (highest, axis) => {
    expect(countAxis(highest)).toEqual(axis);
  });

  it('always starts at 0, reaches the highest count, and labels at most 5 whole, evenly spaced counts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (highest) => {
        const { max, ticks } = countAxis(highest);
        const step = ticks[1]! - ticks[0]!;

        expect(ticks[0]).toBe(0);
        expect(ticks.at(-1)).toBe(max);
        expect(max).toBeGreaterThanOrEqual(highest);
        expect(ticks.length).toBeLessThanOrEqual(5);
        expect(ticks.every((tick, index) => Number.isInteger(tick) && tick === index * step)).toBe(true);
      }),
      { seed: 15, numRuns: 1000 },
    );
  });
});
