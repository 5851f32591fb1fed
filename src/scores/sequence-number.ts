/** DynamoDB Streams sequence numbers are decimal strings of 21–40 digits; padded to this width they sort as numbers. */
export const SEQUENCE_NUMBER_WIDTH = 40;

/**
 * A stream sequence number left-padded with zeros to {@link SEQUENCE_NUMBER_WIDTH} digits, so that string
 * order (DynamoDB's `<` on strings, `localeCompare`-free `<` in JavaScript) is numeric order.
 *
 * @returns the padded number, or `undefined` when `value` is not a decimal string of at most 40 digits.
 * @example
 * ```ts
 * padSequenceNumber('900') < padSequenceNumber('1000'); // true
 * ```
 */
export function padSequenceNumber(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^\d{1,40}$/.test(value)) return undefined;
  return value.padStart(SEQUENCE_NUMBER_WIDTH, '0');
}
