/**
 * Board names are keys: 1–64 characters, letters, digits and `_ . : # -`, starting with a letter or digit (names
 * starting with `~` are reserved for the stream aggregator's checkpoints). Dependency-free so the browser client
 * can check names too.
 *
 * @example
 * ```ts
 * BOARD_NAME_PATTERN.test('daily#2026-11-21'); // true
 * ```
 */
export const BOARD_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:#-]{0,63}$/;
