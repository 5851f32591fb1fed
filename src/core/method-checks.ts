/**
 * Whether `value` can be called: how option validators accept an injected function (`fetch`, a clock).
 *
 * @example
 * ```ts
 * isFunction(globalThis.fetch); // true
 * ```
 */
export function isFunction(value: unknown): boolean {
  return typeof value === 'function';
}

/**
 * A check that a value is an object with every named method: how option validators accept an injected client,
 * storage or logger without depending on its class.
 *
 * @example
 * ```ts
 * const isStorage = hasMethods('get', 'set', 'remove');
 * isStorage(new Map()); // false: Map has no `remove`
 * ```
 */
export function hasMethods(...names: string[]): (value: unknown) => boolean {
  return (value) =>
    typeof value === 'object' &&
    value !== null &&
    names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
}
