import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** A DynamoDB item in wire form (`{ name: { S: '..' } }`): from the SDK, a stream image or a cancellation reason. */
export type WireItem = Record<string, AttributeValue | { S?: string; N?: string } | undefined>;

/**
 * The string attribute `name`, or `undefined` when it is absent or not a string.
 *
 * @example
 * ```ts
 * readString({ board: { S: 'global' } }, 'board'); // 'global'
 * ```
 */
export function readString(item: WireItem | undefined, name: string): string | undefined {
  const value = item?.[name] as { S?: unknown } | undefined;
  return typeof value?.S === 'string' ? value.S : undefined;
}

/**
 * The number attribute `name` as a safe integer, or `undefined` when it is absent, not a number, or not a
 * safe integer (scores, counts and play counters are all integers).
 *
 * @example
 * ```ts
 * readInteger({ plays: { N: '3' } }, 'plays'); // 3
 * ```
 */
export function readInteger(item: WireItem | undefined, name: string): number | undefined {
  const value = item?.[name] as { N?: unknown } | undefined;
  if (typeof value?.N !== 'string' || !/^-?\d+$/.test(value.N)) return undefined;
  const parsed = Number(value.N);
  return Number.isSafeInteger(parsed) ? parsed : undefined;
}

/** `{ N: '42' }` */
export function numberValue(value: number): AttributeValue.NMember {
  return { N: String(value) };
}

/** `{ S: 'text' }` */
export function stringValue(value: string): AttributeValue.SMember {
  return { S: value };
}
