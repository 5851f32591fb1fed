/**
 * Thrown by {@link readBodyUpTo} for a body over its limit. `declaredBytes` is the `Content-Length` when that alone
 * was over the limit (no byte of the body was read).
 *
 * @example
 * ```ts
 * try { await readBodyUpTo(response, 64 * 1024); } catch (error) {
 *   if (error instanceof BodyTooLargeError) console.warn(`over ${error.maxBytes} bytes`);
 * }
 * ```
 */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
  constructor(
    readonly maxBytes: number,
    readonly declaredBytes?: number,
  ) {
    super(
      declaredBytes === undefined
        ? `The body is larger than its limit of ${maxBytes} bytes.`
        : `The body is ${declaredBytes} bytes (Content-Length), over its limit of ${maxBytes} bytes.`,
    );
  }
}

/** Options of `readBodyUpTo` and of the patch module's `readBoundedBody`. */
export interface ReadBodyOptions {
  /** Ends the read (even a pending one, whatever the `fetch`) and throws its reason. */
  signal?: AbortSignal;
  /** Called before each read of the body, e.g. to restart a stall timer. */
  beforeRead?: () => void;
}

/**
 * Reads a response body into memory, never holding more than `maxBytes`: a `Content-Length` above the limit is
 * refused before reading any byte of the body, and a body that streams past it (no or a false `Content-Length`,
 * an endless response) is cancelled the moment it does. Memory stays O(`maxBytes`) whatever the server sends.
 * Browser-safe (web streams only).
 *
 * @throws {BodyTooLargeError} over the limit; the reason of `options.signal` once it aborts; errors of the body
 *   stream as they are.
 * @example
 * ```ts
 * const text = new TextDecoder().decode(await readBodyUpTo(await fetch(url), 64 * 1024));
 * ```
 */
export async function readBodyUpTo(
  response: Response,
  maxBytes: number,
  options: ReadBodyOptions = {},
): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError(maxBytes, declared);
  }
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  const stopCancelling = cancelReadOnAbort(reader, options.signal);
  try {
    for (;;) {
      options.beforeRead?.();
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new BodyTooLargeError(maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    stopCancelling();
  }
  options.signal?.throwIfAborted();
  return concatBytes(chunks, total);
}

/**
 * Cancels `reader` as soon as `signal` aborts, which ends a pending read even when the `fetch` that made the body
 * does not: Node 20's fetch leaves the last read of a fully received body pending forever when its signal aborts,
 * and an injected `fetch` may ignore the signal once headers arrived. Returns a function that stops listening.
 *
 * @example
 * ```ts
 * const reader = response.body.getReader();
 * const stopCancelling = cancelReadOnAbort(reader, signal);
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

function concatBytes(chunks: Uint8Array[], total: number): Uint8Array {
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}
