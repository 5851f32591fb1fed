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

  /** The signal to pass to `fetch` and to {@link cancelReadOnAbort}. */
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

/**
 * Cancels `reader` as soon as `signal` aborts, which ends a pending read even when the `fetch` that made the body
 * does not: Node 20's fetch leaves the last read of a fully received body pending forever when its signal aborts,
 * and an injected `fetch` may ignore the signal once headers arrived. Returns a function that stops listening.
 *
 * @example
 * ```ts
 * const reader = response.body.getReader();
 * const stopCancelling = cancelReadOnAbort(reader, guard.signal);
 * try {
 *   for (let part = await reader.read(); !part.done; part = await reader.read()) use(part.value);
 * } finally {
 *   stopCancelling();
 * }
 * ```
 */
export function cancelReadOnAbort(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  signal: AbortSignal | undefined,
): () => void {
  if (!signal) return () => undefined;
  const cancel = (): void => void reader.cancel(signal.reason).catch(() => undefined);
  if (signal.aborted) {
    cancel();
    return () => undefined;
  }
  signal.addEventListener('abort', cancel, { once: true });
  return () => signal.removeEventListener('abort', cancel);
}
