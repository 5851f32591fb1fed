/**
 * The rules of the tiny game, without the DOM: press as many times as you can before the time runs out. The
 * clock starts with the first press; the score is the number of presses. Clock and timers are injected, so the
 * rules are tested without waiting.
 */

/** Where a game stands. */
export type PressGamePhase = 'ready' | 'running' | 'over';

/** A snapshot of the game. */
export interface PressGameSnapshot {
  phase: PressGamePhase;
  presses: number;
  /** Time left in ms (the whole duration before the first press, 0 once over). */
  remainingMs: number;
}

/** Options of {@link PressGame}. */
export interface PressGameOptions {
  durationMs: number;
  /** Epoch ms; default `Date.now`. */
  now?: () => number;
  /** Default the global `setTimeout`. */
  setTimeout?: (callback: () => void, ms: number) => unknown;
  /** Default the global `clearTimeout`. */
  clearTimeout?: (handle: unknown) => void;
}

/**
 * One round of the press game.
 *
 * @example
 * ```ts
 * const game = new PressGame({ durationMs: 5000 });
 * game.onChange((snapshot) => render(snapshot));
 * game.press(); // starts the clock, 1 press
 * ```
 */
export class PressGame {
  readonly #durationMs: number;
  readonly #now: () => number;
  readonly #setTimeout: (callback: () => void, ms: number) => unknown;
  readonly #clearTimeout: (handle: unknown) => void;
  readonly #listeners = new Set<(snapshot: PressGameSnapshot) => void>();
  #phase: PressGamePhase = 'ready';
  #presses = 0;
  #endsAt = 0;
  #timer: unknown;

  constructor(options: PressGameOptions) {
    if (!Number.isFinite(options.durationMs) || options.durationMs <= 0) {
      throw new RangeError('durationMs must be a positive number');
    }
    this.#durationMs = options.durationMs;
    this.#now = options.now ?? Date.now;
    this.#setTimeout = options.setTimeout ?? ((callback, ms) => globalThis.setTimeout(callback, ms));
    this.#clearTimeout =
      options.clearTimeout ?? ((handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  /** The current state. */
  get snapshot(): PressGameSnapshot {
    const remainingMs =
      this.#phase === 'ready'
        ? this.#durationMs
        : this.#phase === 'over'
          ? 0
          : Math.max(0, this.#endsAt - this.#now());
    return { phase: this.#phase, presses: this.#presses, remainingMs };
  }

  /**
   * Listens for every change (presses, the end).
   *
   * @returns A function that unsubscribes.
   */
  onChange(listener: (snapshot: PressGameSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Counts a press; the first one starts the clock.
   *
   * @returns Whether the press counted (presses after the end do not).
   */
  press(): boolean {
    if (this.#phase === 'over') return false;
    if (this.#phase === 'running' && this.#now() >= this.#endsAt) {
      this.#finish();
      return false;
    }
    if (this.#phase === 'ready') {
      this.#phase = 'running';
      this.#endsAt = this.#now() + this.#durationMs;
      this.#timer = this.#setTimeout(() => this.#finish(), this.#durationMs);
    }
    this.#presses += 1;
    this.#emit();
    return true;
  }

  /** Back to `ready` with no presses. */
  reset(): void {
    if (this.#timer !== undefined) this.#clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#phase = 'ready';
    this.#presses = 0;
    this.#emit();
  }

  #finish(): void {
    if (this.#phase !== 'running') return;
    this.#timer = undefined;
    this.#phase = 'over';
    this.#emit();
  }

  #emit(): void {
    const snapshot = this.snapshot;
    for (const listener of this.#listeners) listener(snapshot);
  }
}
