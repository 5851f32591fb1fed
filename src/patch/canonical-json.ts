/**
 * Serializes a JSON value canonically: object keys sorted by UTF-16 code units, no whitespace, strings and
 * numbers as `JSON.stringify` writes them. For the value types manifests use (objects, arrays, strings, safe
 * integers, booleans, null) this is the JSON Canonicalization Scheme (RFC 8785), so any language can recompute
 * the bytes a signature covers.
 *
 * @throws {TypeError} for values JSON cannot represent (`undefined` inside arrays, functions, non-finite numbers,
 *   bigint); `undefined` object members are skipped, as `JSON.stringify` does.
 * @example
 * ```ts
 * import { canonicalJson } from 'serverless-game-kit/patch';
 *
 * canonicalJson({ b: 1, a: [true, null] }); // '{"a":[true,null],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`Cannot serialize ${value} as canonical JSON.`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((item: unknown) => canonicalJson(item)).join(',')}]`;
      }
      const record = value as Record<string, unknown>;
      const members: string[] = [];
      for (const key of Object.keys(record).sort()) {
        const member = record[key];
        if (member === undefined) continue;
        members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      throw new TypeError(`Cannot serialize a ${typeof value} as canonical JSON.`);
  }
}
