/**
 * One client floods a room with chat frames while the others play, through the local stack's WebSocket gateway
 * and DynamoDB Local with real `ws` clients:
 *
 * - 20 players take turns sending the current round's answer; each round change is a `state` broadcast, and
 *   the delivery latency is the time from the answer until each of the 20 players received the next round.
 * - First 10 s without a flood (the baseline), then 10 s while one more client of the room sends 1,000 `chat`
 *   frames per second. The ratio of the two p99s is what the flood costs the players (target ≤ 2×).
 * - The scenario runs twice, each on a fresh stack: with the default rate limits, then with them off
 *   (`rateLimits: false`, how the quiz behaved before it had limits).
 * - Every DynamoDB write the handler makes while handling the flooder's frames is counted (a middleware on the
 *   handler's own DynamoDB client, attributed through `AsyncLocalStorage`), and whether and when the gateway
 *   closed the flooder's socket, with which code.
 *
 * Everything shares one process on this machine, so absolute times include the clients' own work; the ratio
 * compares like with like. Runs as part of `npm run bench -- quiz`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent } from 'node:http';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import WebSocket from 'ws';
import { localClientConfig } from '../../src/local/client-config.js';
import { startLocalStack } from '../../src/local/stack/start-local-stack.js';
import { DEFAULT_WORD_PACK } from '../../src/quiz/default-word-pack.js';
import { QuizDictionary } from '../../src/quiz/dictionary.js';
import { createQuizSocketHandler } from '../../src/quiz/socket-handler.js';
import { quizTables } from '../../src/quiz/tables.js';
import { percentile } from './percentile.js';

const PLAYERS = 20;
const PHASE_MS = 10_000;
const FLOOD_PER_SECOND = 1_000;
/** Frames sent per 10 ms tick: 1,000 per second. */
const FLOOD_BATCH = FLOOD_PER_SECOND / 100;
/** How long one round may take before the bench stops waiting for it. */
const ROUND_WAIT_MS = 30_000;
const ROOM = 'flood';
const TABLES = { connections: 'flood-connections', rooms: 'flood-rooms', chat: 'flood-chat' };
const WRITE_COMMANDS = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

const dictionary = QuizDictionary.from(DEFAULT_WORD_PACK);

/** Who the current invocation works for: the connection id of the event. */
const invocation = new AsyncLocalStorage<string>();

/** DynamoDB writes per connection id, counted as the handler sends them. */
function countingClient(endpoint: string, writes: Map<string, number>): DynamoDBClient {
  const client = new DynamoDBClient(localClientConfig(endpoint));
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const connectionId = invocation.getStore();
      if (connectionId !== undefined && WRITE_COMMANDS.has(context.commandName ?? '')) {
        writes.set(connectionId, (writes.get(connectionId) ?? 0) + 1);
      }
      return next(args);
    },
    { step: 'initialize', name: 'countWrites' },
  );
  return client;
}

type Event = { type: string; round?: number; pattern?: string; code?: string };

/** A socket of the room that notes each round's first `state` and counts `RATE_LIMITED` errors. */
class Member {
  readonly ws: WebSocket;
  readonly stateAt = new Map<number, number>();
  latestRound = 0;
  latestPattern = '';
  rateLimited = 0;
  closed?: { code: number; at: number };
  readonly #waiters = new Set<() => void>();

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data: Buffer) => this.#onMessage(data));
    this.ws.once('close', (code: number) => {
      this.closed = { code, at: performance.now() };
      this.#wake();
    });
    this.ws.on('error', () => undefined);
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  #onMessage(data: Buffer): void {
    const now = performance.now();
    let json: Event | Event[];
    try {
      json = JSON.parse(data.toString('utf8')) as Event | Event[];
    } catch {
      return;
    }
    for (const event of Array.isArray(json) ? json : [json]) {
      if (event.type === 'state' && typeof event.round === 'number') {
        if (!this.stateAt.has(event.round)) this.stateAt.set(event.round, now);
        if (event.round > this.latestRound) {
          this.latestRound = event.round;
          this.latestPattern = event.pattern ?? '';
        }
      } else if (event.type === 'error' && event.code === 'RATE_LIMITED') {
        this.rateLimited++;
      }
    }
    this.#wake();
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  /** Resolves true once `check()` holds, false after `timeoutMs`. */
  async until(check: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!check()) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        const waiters = this.#waiters;
        function done(): void {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        waiters.add(done);
      });
    }
    return true;
  }
}

interface PhaseResult {
  deliveries: number[];
  rounds: number;
  /** Rounds some player had not received when the bench stopped waiting. */
  stalled: number;
}

/** Players take turns answering for `PHASE_MS`; each round's delivery latency to every player. */
async function play(players: readonly Member[]): Promise<PhaseResult> {
  const result: PhaseResult = { deliveries: [], rounds: 0, stalled: 0 };
  const started = performance.now();
  let turn = 0;
  while (performance.now() - started < PHASE_MS) {
    const answerer = players[turn++ % players.length]!;
    const round = answerer.latestRound;
    const word = dictionary.answersFor(answerer.latestPattern)[0]!;
    const sent = performance.now();
    answerer.ws.send(JSON.stringify({ action: 'chat', text: word, round }));
    const next = round + 1;
    const all = await Promise.all(
      players.map((player) => player.until(() => player.stateAt.has(next), ROUND_WAIT_MS)),
    );
    result.rounds++;
    for (const player of players) {
      const at = player.stateAt.get(next);
      result.deliveries.push(at === undefined ? ROUND_WAIT_MS : at - sent);
    }
    if (all.includes(false)) {
      result.stalled++;
      // A player that never got the round would make every later round look stalled: resynchronize.
      for (const player of players) player.ws.send(JSON.stringify({ action: 'sync' }));
      await Promise.all(players.map((player) => player.until(() => player.latestRound >= next, 5_000)));
    }
  }
  return result;
}

/** Sends `FLOOD_PER_SECOND` chat frames per second for `PHASE_MS`, or until the socket closes. */
async function flood(flooder: Member): Promise<number> {
  let sent = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(
      () => {
        const due = Math.min(
          Math.floor(((performance.now() - started) / 1000) * FLOOD_PER_SECOND),
          (PHASE_MS / 1000) * FLOOD_PER_SECOND,
        );
        while (sent < due && flooder.ws.readyState === WebSocket.OPEN) {
          flooder.ws.send(JSON.stringify({ action: 'chat', text: `도배 ${sent}` }));
          sent++;
        }
        if (flooder.ws.readyState !== WebSocket.OPEN || performance.now() - started >= PHASE_MS) {
          clearInterval(timer);
          resolve();
        }
      },
      1_000 / (FLOOD_PER_SECOND / FLOOD_BATCH),
    );
  });
  return sent;
}

interface PhaseSummary {
  p50: number;
  p99: number;
}

function summary(label: string, phase: PhaseResult): PhaseSummary {
  const p50 = percentile(phase.deliveries, 0.5);
  const p99 = percentile(phase.deliveries, 0.99);
  console.log(
    `  ${label.padEnd(26)} state delivery to ${PLAYERS} players: p50 ${p50.toFixed(0).padStart(6)} ms  p99 ${p99
      .toFixed(0)
      .padStart(6)} ms  (${phase.rounds} rounds, ${phase.stalled} stalled > ${ROUND_WAIT_MS / 1000} s)`,
  );
  return { p50, p99 };
}

/** What one run of the scenario measured. */
interface FloodOutcome {
  baseline: PhaseSummary;
  during: PhaseSummary;
  sent: number;
  rateLimited: number;
  closed?: { code: number; afterMs: number };
  /** Writes made while handling the flooder's frames, counted when the flood phase ended. */
  writesByPhaseEnd: number;
  /** The same, once the stack stopped (every invocation finished or was abandoned at its timeout). */
  writesInAll: number;
  handlerErrors: number;
}

/**
 * One room of {@link PLAYERS} players on a fresh local stack: 10 s of play, then 10 s of play while one more
 * client floods, with the quiz's rate limits on or off.
 */
async function floodScenario(rateLimits: boolean): Promise<FloodOutcome> {
  const writes = new Map<string, number>();
  let flooderConnectionId: string | undefined;
  let handlerErrors = 0;
  const flooderWrites = (): number =>
    flooderConnectionId === undefined ? 0 : (writes.get(flooderConnectionId) ?? 0);
  const stack = await startLocalStack({
    tables: quizTables(TABLES),
    functions: (env) => {
      const handler = createQuizSocketHandler({
        tables: TABLES,
        documentClient: DynamoDBDocumentClient.from(countingClient(env.endpoints.dynamodb, writes), {
          marshallOptions: { removeUndefinedValues: true },
        }),
        managementClient: new ApiGatewayManagementApiClient({
          ...localClientConfig(env.endpoints.connections),
          requestHandler: new NodeHttpHandler({
            httpAgent: new Agent({ keepAlive: true, maxSockets: 50 }),
            socketAcquisitionWarningTimeout: 600_000,
          }),
        }),
        seed: 1,
        ...(rateLimits ? {} : { rateLimits: false as const }),
        log: (entry) => {
          if (entry.level === 'error') handlerErrors++;
        },
      });
      const counted = (event: Parameters<typeof handler>[0], context?: unknown) => {
        const { connectionId } = event.requestContext;
        if (event.queryStringParameters?.name === 'flooder') flooderConnectionId = connectionId;
        return invocation.run(connectionId, () => handler(event, context));
      };
      return { websocket: { $connect: counted, $disconnect: counted, $default: counted } };
    },
    log: () => undefined,
  });
  const url = `${stack.endpoints.websocket}/?room=${ROOM}`;
  const players = Array.from({ length: PLAYERS }, (_, index) => new Member(`${url}&name=p${index}`));
  const flooder = new Member(`${url}&name=flooder`);
  let outcome: Omit<FloodOutcome, 'writesInAll' | 'handlerErrors'>;
  let writesBefore = 0;
  try {
    await Promise.all([...players, flooder].map((member) => member.opened()));
    players[0]!.ws.send(JSON.stringify({ action: 'sync' }));
    await players[0]!.until(() => players[0]!.latestRound >= 1, ROUND_WAIT_MS);
    for (const player of players.slice(1)) player.ws.send(JSON.stringify({ action: 'sync' }));
    await Promise.all(players.map((player) => player.until(() => player.latestRound >= 1, ROUND_WAIT_MS)));

    console.log(`rate limits ${rateLimits ? 'on (default)' : 'off (rateLimits: false)'}:`);
    const baseline = summary('without the flood', await play(players));
    writesBefore = flooderWrites();
    const floodStarted = performance.now();
    const [flooded, sent] = await Promise.all([play(players), flood(flooder)]);
    // The flooder's frames may still be in the gateway's queue: give its disconnection 10 s more to arrive.
    if (rateLimits) await flooder.until(() => flooder.closed !== undefined, 10_000);
    const during = summary('during the flood', flooded);
    outcome = {
      baseline,
      during,
      sent,
      rateLimited: flooder.rateLimited,
      ...(flooder.closed
        ? { closed: { code: flooder.closed.code, afterMs: flooder.closed.at - floodStarted } }
        : {}),
      writesByPhaseEnd: flooderWrites() - writesBefore,
    };
  } finally {
    for (const member of [...players, flooder]) member.ws.terminate();
    // Waits for every invocation still running, so the count below includes the flood's whole backlog.
    await stack.stop();
  }
  const result: FloodOutcome = {
    ...outcome,
    writesInAll: flooderWrites() - writesBefore,
    handlerErrors,
  };
  report(result);
  return result;
}

function report(outcome: FloodOutcome): void {
  const ratio = outcome.during.p99 / outcome.baseline.p99;
  const { closed } = outcome;
  console.log(
    `  p99 ratio flood / no flood: ${ratio.toFixed(2)}× (target ≤ 2× — ${ratio <= 2 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `  flooder: ${outcome.sent} frames sent, ${outcome.rateLimited} RATE_LIMITED replies, ${
      closed
        ? `disconnected with close code ${closed.code} after ${(closed.afterMs / 1000).toFixed(1)} s`
        : 'NOT disconnected'
    }`,
  );
  console.log(
    `  DynamoDB writes caused by the flood: ${outcome.writesByPhaseEnd} by the end of the flood, ${
      outcome.writesInAll
    } by the time the stack stopped (${((outcome.writesInAll / Math.max(outcome.sent, 1)) * 1000).toFixed(
      0,
    )} per 1,000 frames); handler errors logged: ${outcome.handlerErrors}`,
  );
}

/**
 * Runs the flood benchmark twice in one process — rate limits on (the default), then off (before) — and prints
 * both.
 *
 * @example
 * ```ts
 * import { runFloodBench } from './flood.js';
 *
 * await runFloodBench();
 * ```
 */
export async function runFloodBench(): Promise<void> {
  console.log(
    `\nFlood: ${PLAYERS} players answer in turns for ${PHASE_MS / 1000} s, then again while one more client sends ${FLOOD_PER_SECOND} chat frames/s for ${PHASE_MS / 1000} s`,
  );
  // Limits on first: without them the flood leaves handlers running past the 29 s timeout (abandoned, as Lambda
  // abandons them), which would load the machine during the next scenario.
  const after = await floodScenario(true);
  const before = await floodScenario(false);
  console.log(
    `flood p99 without limits ${before.during.p99.toFixed(0)} ms → with limits ${after.during.p99.toFixed(
      0,
    )} ms; flood writes ${before.writesInAll} → ${after.writesInAll}`,
  );
}
