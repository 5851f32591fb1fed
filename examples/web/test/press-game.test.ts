import { describe, expect, it } from 'vitest';
import { PressGame, type PressGameSnapshot } from '../src/press-game.js';

/** A game on a hand-driven clock: `advance(ms)` moves time and fires the end timer when it is due. */
function gameWithClock(durationMs = 5000): { game: PressGame; advance: (ms: number) => void } {
  let now = 1_000;
  let pending: { at: number; callback: () => void } | undefined;
  const game = new PressGame({
    durationMs,
    now: () => now,
    setTimeout: (callback, ms) => (pending = { at: now + ms, callback }),
    clearTimeout: () => (pending = undefined),
  });
  return {
    game,
    advance: (ms) => {
      now += ms;
      if (pending && pending.at <= now) {
        const { callback } = pending;
        pending = undefined;
        callback();
      }
    },
  };
}

describe('the press game', () => {
  it('waits for the first press before the clock starts', () => {
    const { game, advance } = gameWithClock();

    advance(60_000);

    expect(game.snapshot).toEqual({ phase: 'ready', presses: 0, remainingMs: 5000 });
  });

  it('counts every press until the time is up', () => {
    const { game, advance } = gameWithClock();

    game.press();
    advance(1000);
    game.press();
    game.press();

    expect(game.snapshot).toEqual({ phase: 'running', presses: 3, remainingMs: 4000 });
  });

  it('ends when the time is up and ignores later presses', () => {
    const { game, advance } = gameWithClock();
    game.press();
    game.press();

    advance(5000);
    const counted = game.press();

    expect(counted).toBe(false);
    expect(game.snapshot).toEqual({ phase: 'over', presses: 2, remainingMs: 0 });
  });

  it('tells its listeners about presses and the end', () => {
    const { game, advance } = gameWithClock(1000);
    const seen: PressGameSnapshot['phase'][] = [];
    game.onChange((snapshot) => seen.push(snapshot.phase));

    game.press();
    advance(1000);

    expect(seen).toEqual(['running', 'over']);
  });

  it('starts over with no presses after a reset', () => {
    const { game, advance } = gameWithClock();
    game.press();
    advance(5000);

    game.reset();

    expect(game.snapshot).toEqual({ phase: 'ready', presses: 0, remainingMs: 5000 });
  });

  it('refuses a duration that is not positive', () => {
    expect(() => new PressGame({ durationMs: 0 })).toThrow(RangeError);
  });
});
