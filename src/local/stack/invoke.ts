import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { LocalFunction, LocalHandler } from './types.js';

const TIMED_OUT: unique symbol = Symbol('timed out');

/** A function with its name and timeout settled. */
export interface ResolvedFunction {
  readonly name: string;
  readonly timeoutMs: number;
  readonly handler: LocalHandler<unknown, unknown>;
}

/** How an invocation ended. */
export type InvocationOutcome =
  | {
      readonly status: 'ok';
      readonly result: unknown;
      readonly durationMs: number;
      readonly requestId: string;
    }
  | {
      readonly status: 'error';
      readonly error: unknown;
      readonly durationMs: number;
      readonly requestId: string;
    }
  | { readonly status: 'timeout'; readonly durationMs: number; readonly requestId: string };

/**
 * Settles a function's name and timeout: a bare handler gets `defaultName` and `defaultTimeoutMs`.
 *
 * @example
 * ```ts
 * const fn = resolveFunction(handler, 'GET-scoreboard', 30_000);
 * ```
 */
export function resolveFunction(
  fn: LocalFunction,
  defaultName: string,
  defaultTimeoutMs: number,
): ResolvedFunction {
  if (typeof fn === 'function') {
    return { name: defaultName, timeoutMs: defaultTimeoutMs, handler: fn as LocalHandler<unknown, unknown> };
  }
  return {
    name: fn.name ?? defaultName,
    timeoutMs: fn.timeoutMs ?? defaultTimeoutMs,
    handler: fn.handler as LocalHandler<unknown, unknown>,
  };
}

/**
 * A Lambda-like `context`: request id, function name, memory, log names and a `getRemainingTimeInMillis` that
 * counts down from the function's timeout.
 *
 * @example
 * ```ts
 * const context = createLambdaContext('scores-submit', 30_000);
 * ```
 */
export function createLambdaContext(
  functionName: string,
  timeoutMs: number,
  requestId: string = randomUUID(),
  now: () => number = Date.now,
): Context {
  const deadline = now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '128',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${requestId.replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Invokes a function as Lambda would: a fresh context, the function's timeout enforced (the handler's promise is
 * abandoned when it runs out, as a timed-out Lambda's is), thrown errors and rejections caught, one log line.
 * Never throws.
 *
 * @example
 * ```ts
 * const outcome = await invokeFunction(fn, event, console.log);
 * if (outcome.status === 'ok') console.log(outcome.result);
 * ```
 */
export async function invokeFunction(
  fn: ResolvedFunction,
  event: unknown,
  log: (line: string) => void,
  requestId: string = randomUUID(),
): Promise<InvocationOutcome> {
  const context = createLambdaContext(fn.name, fn.timeoutMs, requestId);
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), fn.timeoutMs);
  });
  const run = (async () => fn.handler(event, context))();
  // A handler that rejects after its timeout must not become an unhandled rejection.
  run.catch(() => undefined);
  let outcome: InvocationOutcome;
  try {
    const result = await Promise.race([run, timedOut]);
    const durationMs = performance.now() - started;
    outcome =
      result === TIMED_OUT
        ? { status: 'timeout', durationMs, requestId }
        : { status: 'ok', result, durationMs, requestId };
  } catch (error) {
    outcome = { status: 'error', error, durationMs: performance.now() - started, requestId };
  } finally {
    clearTimeout(timer);
  }
  log(describeInvocation(fn, outcome));
  return outcome;
}

function describeInvocation(fn: ResolvedFunction, outcome: InvocationOutcome): string {
  const head = `λ ${fn.name} ${outcome.requestId} ${outcome.durationMs.toFixed(1)} ms`;
  if (outcome.status === 'ok') return head;
  if (outcome.status === 'timeout') return `${head} TIMEOUT after ${fn.timeoutMs} ms`;
  const error = outcome.error;
  const summary = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `${head} ERROR ${summary}`;
}
