/**
 * The abort signal of one request: it aborts when the caller's signal does, or when no byte arrived for
 * `stallTimeoutMs` (the timer restarts at each {@link StallGuard.arm}). A connection that sends its headers, or
 * part of a body, and then nothing more ends instead of holding an update forever.
 *
 * @example
 * ```ts
 * const guard = new StallGuard(30_000, signal);
 * try {
 *   guard.arm();
 *   const response = await fetch(url, { signal: guard.signal });
 *   // ... guard.arm() before each read of the body
 * } catch (error) {
 *   if (guard.stalled) throw new PatchError('STALLED', `No data from ${url} for 30000 ms.`, { url });
 *   throw error;
 * } finally {
 *   guard.dispose();
 * }
 * ```
 */
export class StallGuard {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;
  private readonly forward = (): void => this.controller.abort(this.outer?.reason);

  constructor(
    private readonly stallTimeoutMs: number,
    private readonly outer: AbortSignal | undefined,
  ) {
    if (outer?.aborted) this.forward();
    else outer?.addEventListener('abort', this.forward, { once: true });
  }

  /** The signal to pass to `fetch` and to `cancelReadOnAbort`. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the signal aborted because the stall timer ran out (not because the caller aborted). */
  get stalled(): boolean {
    return this.timedOut;
  }

  /** (Re)starts the stall timer: call before each wait for the network. */
  readonly arm = (): void => {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error('stalled'));
    }, this.stallTimeoutMs);
  };

  /** Stops the stall timer, e.g. while writing what was received. */
  disarm(): void {
    clearTimeout(this.timer);
  }

  /** Stops the timer and detaches from the caller's signal. */
  dispose(): void {
    this.disarm();
    this.outer?.removeEventListener('abort', this.forward);
  }
}
