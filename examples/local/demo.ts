/**
 * `npm run local`: starts the whole game backend on this machine, runs the scripted scenario, then serves the
 * browser demo from the local CDN route until Ctrl-C.
 */
import Table from 'cli-table3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalStack } from '../../src/local/stack/start-local-stack.js';
import { buildWebDemo } from '../web/build.js';
import { startDemoStack } from './demo-stack.js';
import { runScenario } from './scenario.js';
import { type Terminal, createTerminal } from './terminal.js';
import { hostWebDemo } from './web-hosting.js';

/** Options of {@link runLocalDemo}. */
export interface LocalDemoOptions {
  /** Keep serving the web demo after the scenario, until `signal` aborts; default true. */
  serve?: boolean;
  /** No invocation log lines. */
  quiet?: boolean;
  /** Stops the demo (Ctrl-C); while starting or in the scenario, the stack is stopped at once. */
  signal?: AbortSignal;
  /** Where to print; default stdout (colour only on a TTY). */
  terminal?: Terminal;
}

function endpointRows(stack: LocalStack): string[][] {
  return [
    ['HTTP API', stack.endpoints.http],
    ['WebSocket API', stack.endpoints.websocket],
    ['CDN route', stack.endpoints.cdn ?? '-'],
    ['Cognito Identity (local)', stack.endpoints.cognito ?? '-'],
    ['Kakao API (local)', stack.endpoints.kakao ?? '-'],
    ['DynamoDB Local', stack.endpoints.dynamodb],
    ['S3 (s3rver)', stack.endpoints.s3],
  ];
}

function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/**
 * Runs the local demo.
 *
 * @returns Once the scenario is done (`serve: false`) or `signal` aborted, with everything stopped.
 * @throws whatever failed in the scenario (the stack is stopped first).
 * @example
 * ```ts
 * const controller = new AbortController();
 * process.once('SIGINT', () => controller.abort());
 * await runLocalDemo({ signal: controller.signal });
 * ```
 */
export async function runLocalDemo(options: LocalDemoOptions = {}): Promise<void> {
  const started = performance.now();
  const serve = options.serve ?? true;
  const terminal =
    options.terminal ??
    createTerminal({
      write: (text) => void process.stdout.write(text),
      isTTY: process.stdout.isTTY === true,
      columns: process.stdout.columns,
    });
  const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(1)} s`;

  terminal.line('serverless-game-kit — the whole product on one machine, no AWS account.');
  // Build the page while the backend starts (cached while its sources are unchanged).
  const webBuild = serve ? buildWebDemo() : undefined;
  webBuild?.catch(() => undefined);

  terminal.section('Local stack');
  if (!options.quiet) terminal.note('   (one line per request below; `npm run local -- --quiet` hides them)');
  const stack = await startDemoStack({
    ...(options.quiet ? {} : { log: (line: string) => terminal.note(`   · ${line}`) }),
  });
  if (options.signal?.aborted) {
    await stack.stop();
    return;
  }
  const stopOnAbort = (): void => void stack.stop();
  options.signal?.addEventListener('abort', stopOnAbort, { once: true });
  const installDir = await mkdtemp(join(tmpdir(), 'sgk-demo-game-'));
  try {
    const table = new Table({
      head: ['service', 'endpoint'],
      ...(terminal.isTTY ? {} : { style: { head: [], border: [] } }),
    });
    table.push(...endpointRows(stack));
    terminal.line(table.toString());
    terminal.ok(
      `Started in ${elapsed()}: DynamoDB Local, S3, local Kakao and Cognito, HTTP and WebSocket gateways.`,
    );

    await runScenario({ stack, terminal, installDir });
    if (!webBuild) {
      terminal.line();
      terminal.ok('Scenario done; stopping (--no-serve).');
      return;
    }

    terminal.section('Web demo');
    const build = await webBuild;
    const hosted = await hostWebDemo(stack, build);
    terminal.note(
      `${build.cached ? 'Reused the Vite build of examples/web (sources unchanged)' : 'Built examples/web with Vite'}; uploaded ${hosted.keys.length} files to s3://game-cdn/web/.`,
    );
    terminal.note(
      'Open it in two windows to play the quiz against yourself; the leaderboard above is there too.',
    );
    options.signal?.removeEventListener('abort', stopOnAbort);
    terminal.line();
    terminal.line(`Web demo: ${hosted.url} — Ctrl-C to stop`);
    await untilAborted(options.signal);
    terminal.line('Stopping…');
  } finally {
    options.signal?.removeEventListener('abort', stopOnAbort);
    await stack.stop();
    await rm(installDir, { recursive: true, force: true });
    terminal.line('Stopped.');
  }
}
