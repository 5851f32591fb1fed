import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Capacity units DynamoDB reported, summed, per operation name. */
export interface CapacityMeter {
  readonly units: Map<string, number>;
  total(operation?: string): number;
  reset(): void;
}

const METERED = new Set([
  'QueryCommand',
  'ScanCommand',
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'TransactWriteItemsCommand',
]);

/**
 * Makes a client ask for `ReturnConsumedCapacity: 'TOTAL'` on every metered call (also the ones a handler makes,
 * unchanged) and sums what DynamoDB reports, failed conditional writes included (their error carries no
 * capacity, so a failed conditional write is metered as 1 WCU, the service's charge for an item under 1 KB).
 *
 * @example
 * ```ts
 * const meter = meterCapacity(client);
 * await handler(event);
 * console.log(meter.total('QueryCommand'));
 * ```
 */
export function meterCapacity(client: DynamoDBClient): CapacityMeter {
  const units = new Map<string, number>();
  const add = (operation: string, value: number): void => {
    units.set(operation, (units.get(operation) ?? 0) + value);
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = context.commandName ?? '?';
      if (!METERED.has(operation)) return next(args);
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      try {
        const result = await next(args);
        const consumed = (
          result.output as {
            ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }>;
          }
        ).ConsumedCapacity;
        for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : [])
          add(operation, entry.CapacityUnits ?? 0);
        return result;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') add(operation, 1);
        throw error;
      }
    },
    { step: 'initialize', name: 'meterCapacity' },
  );
  return {
    units,
    total: (operation) =>
      operation ? (units.get(operation) ?? 0) : [...units.values()].reduce((sum, value) => sum + value, 0),
    reset: () => units.clear(),
  };
}
