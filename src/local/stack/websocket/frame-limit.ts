/**
 * API Gateway limits each WebSocket *frame* to 32 KB and each *message* (all frames of a fragmented message)
 * to 128 KB. The `ws` library only limits messages (`maxPayload`), so the gateway reads the frame headers of
 * the raw client stream alongside `ws` and reports the first data frame whose payload is too large.
 */

/**
 * Reads frame headers from a client's raw byte stream, chunk by chunk.
 *
 * @example
 * ```ts
 * const guard: FrameSizeGuard = createFrameSizeGuard(32 * 1024);
 * guard.inspect(chunk); // undefined while every frame fits
 * ```
 */
export interface FrameSizeGuard {
  /**
   * Feeds the next chunk of client bytes. Returns the payload length of the first data frame (text, binary or
   * continuation) larger than the limit, or `undefined` while every frame fits. Control frames are not
   * counted (the protocol caps them at 125 bytes).
   */
  inspect(chunk: Buffer): number | undefined;
}

const MAX_HEADER_BYTES = 14;

/**
 * Creates a guard that parses client-to-server frame headers (RFC 6455 §5.2) and skips their payloads
 * without copying them; bytes may arrive split anywhere.
 *
 * @param maxFrameBytes - The largest payload one data frame may carry.
 * @returns A stateful {@link FrameSizeGuard}; once it has reported an oversized frame it keeps reporting it.
 * @example
 * ```ts
 * const guard = createFrameSizeGuard(32 * 1024);
 * socket.prependListener('data', (chunk: Buffer) => {
 *   if (guard.inspect(chunk) !== undefined) ws.close(1009, 'Message too big');
 * });
 * ```
 */
export function createFrameSizeGuard(maxFrameBytes: number): FrameSizeGuard {
  const header = Buffer.alloc(MAX_HEADER_BYTES);
  let headerLength = 0;
  let remainingPayload = 0;
  let oversized: number | undefined;

  /** Bytes the header at hand needs, once its first two bytes are known. */
  const neededHeaderBytes = (): number => {
    const second = header[1] ?? 0;
    const lengthCode = second & 0x7f;
    const extended = lengthCode === 126 ? 2 : lengthCode === 127 ? 8 : 0;
    const mask = (second & 0x80) !== 0 ? 4 : 0;
    return 2 + extended + mask;
  };

  const payloadLength = (): number => {
    const lengthCode = (header[1] ?? 0) & 0x7f;
    if (lengthCode === 126) return header.readUInt16BE(2);
    if (lengthCode === 127) {
      const value = header.readBigUInt64BE(2);
      return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
    }
    return lengthCode;
  };

  return {
    inspect(chunk: Buffer): number | undefined {
      if (oversized !== undefined) return oversized;
      let offset = 0;
      while (offset < chunk.length) {
        if (remainingPayload > 0) {
          const skipped = Math.min(remainingPayload, chunk.length - offset);
          remainingPayload -= skipped;
          offset += skipped;
          continue;
        }
        header[headerLength++] = chunk[offset++] ?? 0;
        if (headerLength < 2 || headerLength < neededHeaderBytes()) continue;
        const opcode = (header[0] ?? 0) & 0x0f;
        const length = payloadLength();
        headerLength = 0;
        if (opcode < 0x08 && length > maxFrameBytes) {
          oversized = length;
          return oversized;
        }
        remainingPayload = length;
      }
      return undefined;
    },
  };
}
