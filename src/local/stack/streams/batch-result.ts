import type { InvocationOutcome } from '../invoke.js';

/** What an invocation means for the batch it was given. */
export type BatchVerdict =
  | { readonly kind: 'success' }
  /** Records before `failedIndex` are done; the batch is retried from `failedIndex` (Lambda's checkpoint). */
  | { readonly kind: 'partial'; readonly failedIndex: number }
  /** The whole batch failed: the handler threw, timed out, or reported failures Lambda cannot read. */
  | { readonly kind: 'failure'; readonly reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads an invocation's outcome the way a DynamoDB event source mapping does. Without
 * `reportBatchItemFailures` any result is success. With it, `{ batchItemFailures: [{ itemIdentifier }] }`
 * checkpoints before the earliest failed sequence number; an empty list, `null` or no `batchItemFailures` is
 * success; an identifier that is empty, not a string or not in the batch fails the whole batch.
 *
 * @param sequenceNumbers the batch's sequence numbers, in delivery order.
 * @example
 * ```ts
 * const verdict = interpretBatchResult(outcome, ['100', '200', '300'], true);
 * if (verdict.kind === 'partial') retryFrom(verdict.failedIndex);
 * ```
 */
export function interpretBatchResult(
  outcome: InvocationOutcome,
  sequenceNumbers: readonly string[],
  reportBatchItemFailures: boolean,
): BatchVerdict {
  if (outcome.status === 'timeout') return { kind: 'failure', reason: 'the function timed out' };
  if (outcome.status === 'error') {
    const error = outcome.error;
    return {
      kind: 'failure',
      reason: `the function failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (!reportBatchItemFailures || !isRecord(outcome.result)) return { kind: 'success' };
  const failures = outcome.result.batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'failure', reason: 'batchItemFailures is not an array' };
  let earliest = Number.POSITIVE_INFINITY;
  for (const failure of failures as unknown[]) {
    const identifier = isRecord(failure) ? failure.itemIdentifier : undefined;
    const index =
      typeof identifier === 'string' && identifier !== '' ? sequenceNumbers.indexOf(identifier) : -1;
    if (index < 0) {
      return {
        kind: 'failure',
        reason: `batchItemFailures names ${typeof identifier === 'string' ? JSON.stringify(identifier) : typeof identifier}, which is not in the batch`,
      };
    }
    earliest = Math.min(earliest, index);
  }
  return Number.isFinite(earliest) ? { kind: 'partial', failedIndex: earliest } : { kind: 'success' };
}
