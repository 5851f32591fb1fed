import type { AttributeValue as SdkAttributeValue, _Record } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord, StreamRecord } from 'aws-lambda';

/** The members an SDK attribute value may carry (`B`/`BS` as bytes, everything else as in the wire format). */
interface LooseAttributeValue {
  S?: unknown;
  N?: unknown;
  B?: unknown;
  SS?: unknown;
  NS?: unknown;
  BS?: unknown;
  M?: unknown;
  L?: unknown;
  NULL?: unknown;
  BOOL?: unknown;
}

function base64(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return '';
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map((entry) => String(entry)) : [];
}

/**
 * Converts one attribute value from the SDK's shape (binary as `Uint8Array`) to the JSON wire shape Lambda
 * delivers (`{ B: '<base64>' }`). Unknown members yield `undefined`.
 *
 * @example
 * ```ts
 * toWireAttributeValue({ B: new Uint8Array([1, 2]) }); // { B: 'AQI=' }
 * ```
 */
export function toWireAttributeValue(
  loose: SdkAttributeValue | LooseAttributeValue,
): AttributeValue | undefined {
  if (typeof loose.S === 'string') return { S: loose.S };
  if (typeof loose.N === 'string') return { N: loose.N };
  if (loose.B !== undefined) return { B: base64(loose.B) };
  if (loose.SS !== undefined) return { SS: strings(loose.SS) };
  if (loose.NS !== undefined) return { NS: strings(loose.NS) };
  if (loose.BS !== undefined) return { BS: Array.isArray(loose.BS) ? loose.BS.map(base64) : [] };
  if (typeof loose.M === 'object' && loose.M !== null)
    return { M: toWireImage(loose.M as Record<string, SdkAttributeValue>) ?? {} };
  if (Array.isArray(loose.L)) {
    return {
      L: loose.L.map((entry) => toWireAttributeValue(entry as SdkAttributeValue)).filter(
        (entry) => entry !== undefined,
      ),
    };
  }
  if (typeof loose.NULL === 'boolean') return { NULL: loose.NULL };
  if (typeof loose.BOOL === 'boolean') return { BOOL: loose.BOOL };
  return undefined;
}

/**
 * Converts an item image (`Keys`, `NewImage`, `OldImage`) to the wire shape; `undefined` stays `undefined`.
 *
 * @example
 * ```ts
 * toWireImage({ pk: { S: 'a' }, n: { N: '1' } }); // { pk: { S: 'a' }, n: { N: '1' } }
 * ```
 */
export function toWireImage(
  image: Record<string, SdkAttributeValue> | undefined,
): Record<string, AttributeValue> | undefined {
  if (image === undefined || image === null) return undefined;
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(image)) {
    const wire = toWireAttributeValue(value);
    if (wire !== undefined) out[name] = wire;
  }
  return out;
}

/**
 * Converts a record read with `@aws-sdk/client-dynamodb-streams` to the record a Lambda function receives from
 * a DynamoDB event source mapping: `eventVersion: '1.1'`, `eventSource: 'aws:dynamodb'`, `awsRegion`, the
 * stream ARN as `eventSourceARN`, `ApproximateCreationDateTime` in epoch seconds and attribute values in the
 * JSON wire shape.
 *
 * @example
 * ```ts
 * const event = { Records: records.map((record) => toLambdaRecord(record, streamArn, 'ap-northeast-2')) };
 * ```
 */
export function toLambdaRecord(record: _Record, streamArn: string, region: string): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  const created = stream.ApproximateCreationDateTime as Date | number | string | undefined;
  const createdMs =
    created instanceof Date
      ? created.getTime()
      : typeof created === 'number'
        ? created * 1000
        : Date.parse(String(created));
  const dynamodb: StreamRecord = {
    ...(Number.isFinite(createdMs) ? { ApproximateCreationDateTime: Math.floor(createdMs / 1000) } : {}),
    ...(stream.Keys ? { Keys: toWireImage(stream.Keys) } : {}),
    ...(stream.NewImage ? { NewImage: toWireImage(stream.NewImage) } : {}),
    ...(stream.OldImage ? { OldImage: toWireImage(stream.OldImage) } : {}),
    ...(stream.SequenceNumber !== undefined ? { SequenceNumber: stream.SequenceNumber } : {}),
    ...(stream.SizeBytes !== undefined ? { SizeBytes: stream.SizeBytes } : {}),
    ...(stream.StreamViewType !== undefined ? { StreamViewType: stream.StreamViewType } : {}),
  };
  return {
    ...(record.eventID !== undefined ? { eventID: record.eventID } : {}),
    ...(record.eventName !== undefined ? { eventName: record.eventName } : {}),
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    dynamodb,
    eventSourceARN: streamArn,
    ...(record.userIdentity
      ? { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } }
      : {}),
  };
}
