/**
 * Makes a log line safe to print: control characters (C0, DEL, C1, and the Unicode line and paragraph
 * separators) become visible escapes, so text from a request can never end a line early, forge the next one, or
 * write a NUL into the log.
 *
 * @example
 * ```ts
 * escapeControlCharacters('GET /cdn/a\n[forged] ok'); // 'GET /cdn/a\\x0a[forged] ok'
 * ```
 */
export function escapeControlCharacters(line: string): string {
  return line.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => {
    const code = char.charCodeAt(0);
    return code > 0xff
      ? `\\u${code.toString(16).padStart(4, '0')}`
      : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}
