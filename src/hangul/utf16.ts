/**
 * Internal: turning a buffer of UTF-16 code units back into a string quickly. Browser-safe (uses the global
 * `TextDecoder` when present, `String.fromCharCode` otherwise).
 */

/** Code units per `String.fromCharCode.apply` call; well below every engine's argument limit. */
const CHUNK = 8192;
/** Outputs at least this long go through `TextDecoder` when that is safe; shorter ones are cheaper inline. */
const TEXT_DECODER_MIN = 512;

let utf16Decoder: TextDecoder | null | undefined;

/** A UTF-16LE decoder when the platform has one and stores `Uint16Array` little-endian; otherwise null. */
function nativeDecoder(): TextDecoder | null {
  if (utf16Decoder !== undefined) return utf16Decoder;
  utf16Decoder = null;
  try {
    if (typeof TextDecoder === 'function' && new Uint8Array(Uint16Array.of(1).buffer)[0] === 1) {
      // ignoreBOM keeps a leading U+FEFF (whitespace) instead of swallowing it as a byte order mark.
      utf16Decoder = new TextDecoder('utf-16le', { ignoreBOM: true });
    }
  } catch {
    utf16Decoder = null;
  }
  return utf16Decoder;
}

/**
 * Returns the string made of the first `length` code units of `buffer`. `wellFormed` promises the units
 * contain no lone surrogates, which allows `TextDecoder` (it would turn them into U+FFFD).
 */
export function decodeUtf16(buffer: Uint16Array, length: number, wellFormed: boolean): string {
  if (length <= 0) return '';
  if (wellFormed && length >= TEXT_DECODER_MIN) {
    const decoder = nativeDecoder();
    if (decoder) return decoder.decode(buffer.subarray(0, length));
  }
  if (length <= CHUNK) {
    return String.fromCharCode.apply(null, buffer.subarray(0, length) as unknown as number[]);
  }
  let result = '';
  for (let start = 0; start < length; start += CHUNK) {
    const chunk = buffer.subarray(start, Math.min(start + CHUNK, length));
    result += String.fromCharCode.apply(null, chunk as unknown as number[]);
  }
  return result;
}
