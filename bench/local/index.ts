/**
 * Fan-out through the local WebSocket gateway: 500 open `ws` connections, one message to each through the real
 * `ApiGatewayManagementApiClient` (`PostToConnection`, at most 50 requests in flight, p-limit), as a game
 * server broadcasting a round would. For each connection the delivery time runs from the moment its
 * `PostToConnection` starts to the moment the client receives the frame; the fan-out time runs from the first
 * send to the last receipt. A second run posts with plain keep-alive HTTP instead of the SDK (same
 * concurrency), which separates the SDK client's cost from the gateway's. The baseline is the floor: the same
 * fan-out with `ws.send` on the server side of a plain `ws` server in the same process (no HTTP, no SDK).
 * Everything runs in one process on 127.0.0.1.
 *
 * `npm run bench -- local`
 */
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import pLimit from 'p-limit';
import WebSocket, { WebSocketServer } from 'ws';
import { localClientConfig } from '../../src/local/client-config.js';
import { startWebSocketGateway } from '../../src/local/stack/websocket-gateway.js';
import type { WebSocketConnectEvent } from '../../src/local/stack/websocket-gateway.js';

const CONNECTIONS = 500;
const CONCURRENCY = 50;
const ROUNDS = 8;
const WARMUP_ROUNDS = 2;
const RECEIPT_TIMEOUT_MS = 60_000;

interface RoundResult {
  p50Ms: number;
  p99Ms: number;
  fanOutMs: number;
  messagesPerSecond: number;
}

/** Clients that note when each message of a round arrives (`{"r": round, "i": index}`). */
class Receivers {
  readonly receivedAt: number[][] = [];
  #waiting: { round: number; resolve: () => void } | undefined;
  #counts = new Map<number, number>();

  attach(ws: WebSocket): void {
    ws.on('message', (data: Buffer) => {
      const now = performance.now();
      const { r, i } = JSON.parse(data.toString('utf8')) as { r: number; i: number };
      (this.receivedAt[r] ??= [])[i] = now;
      const count = (this.#counts.get(r) ?? 0) + 1;
      this.#counts.set(r, count);
      if (count === CONNECTIONS && this.#waiting?.round === r) this.#waiting.resolve();
    });
  }

  /** Resolves once every connection has received round `round`; rejects after a bounded wait. */
  all(round: number): Promise<void> {
    if (this.#counts.get(round) === CONNECTIONS) return Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    return new Promise<void>((resolve, reject) => {
      this.#waiting = { round, resolve };
      timer = setTimeout(
        () => reject(new Error(`Round ${round}: only ${this.#counts.get(round) ?? 0} messages arrived`)),
        RECEIPT_TIMEOUT_MS,
      );
    }).finally(() => clearTimeout(timer));
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

function summarize(sendStart: number[], receivedAt: number[]): RoundResult {
  const delays = sendStart
    .map((start, index) => (receivedAt[index] ?? Number.NaN) - start)
    .sort((a, b) => a - b);
  const first = Math.min(...sendStart);
  const last = Math.max(...receivedAt);
  const fanOutMs = last - first;
  return {
    p50Ms: percentile(delays, 0.5),
    p99Ms: percentile(delays, 0.99),
    fanOutMs,
    messagesPerSecond: (CONNECTIONS / fanOutMs) * 1000,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return percentile(sorted, 0.5);
}

async function openClients(url: (index: number) => string, receivers: Receivers): Promise<WebSocket[]> {
  const limit = pLimit(CONCURRENCY);
  return Promise.all(
    Array.from({ length: CONNECTIONS }, (_, index) =>
      limit(
        () =>
          new Promise<WebSocket>((resolve, reject) => {
            const ws = new WebSocket(url(index));
            receivers.attach(ws);
            ws.once('open', () => resolve(ws));
            ws.once('error', reject);
          }),
      ),
    ),
  );
}

async function closeClients(clients: WebSocket[]): Promise<void> {
  await Promise.all(
    clients.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.terminate();
        }),
    ),
  );
}

/** One `PostToConnection` without the SDK: a plain keep-alive HTTP POST, to separate SDK cost from gateway cost. */
function rawPost(agent: Agent, endpoint: string, connectionId: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${endpoint}/@connections/${encodeURIComponent(connectionId)}`,
      { method: 'POST', agent, headers: { 'Content-Length': Buffer.byteLength(body) } },
      (response) => {
        response.resume();
        response.once('end', () =>
          response.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${response.statusCode}`)),
        );
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}

async function measureGateway(via: 'sdk' | 'http'): Promise<RoundResult[]> {
  const gateway = await startWebSocketGateway({ region: 'ap-northeast-2', log: () => undefined });
  const connectionIds: string[] = [];
  gateway.setRoutes({
    $connect: (event: WebSocketConnectEvent) => {
      connectionIds[Number(event.queryStringParameters?.i)] = event.requestContext.connectionId;
      return { statusCode: 200 };
    },
  });
  const management = new ApiGatewayManagementApiClient(localClientConfig(gateway.connectionsEndpoint));
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const receivers = new Receivers();
  const clients = await openClients((index) => `${gateway.url}/local?i=${index}`, receivers);
  const results: RoundResult[] = [];
  try {
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round += 1) {
      const limit = pLimit(CONCURRENCY);
      const sendStart: number[] = [];
      const arrived = receivers.all(round);
      await Promise.all(
        connectionIds.map((connectionId, index) =>
          limit(async () => {
            const data = JSON.stringify({ r: round, i: index });
            sendStart[index] = performance.now();
            if (via === 'sdk') {
              await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
            } else {
              await rawPost(agent, gateway.connectionsEndpoint, connectionId, data);
            }
          }),
        ),
      );
      await arrived;
      if (round >= WARMUP_ROUNDS) results.push(summarize(sendStart, receivers.receivedAt[round] ?? []));
    }
  } finally {
    await closeClients(clients);
    management.destroy();
    agent.destroy();
    await gateway.stop();
  }
  return results;
}

async function measureBaseline(): Promise<RoundResult[]> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const serverSockets: WebSocket[] = [];
  server.on('connection', (ws, request) => {
    serverSockets[Number(new URL(request.url ?? '/', 'http://x').searchParams.get('i'))] = ws;
  });
  const { port } = server.address() as AddressInfo;
  const receivers = new Receivers();
  const clients = await openClients((index) => `ws://127.0.0.1:${port}/?i=${index}`, receivers);
  const results: RoundResult[] = [];
  try {
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round += 1) {
      const sendStart: number[] = [];
      const arrived = receivers.all(round);
      serverSockets.forEach((ws, index) => {
        sendStart[index] = performance.now();
        ws.send(JSON.stringify({ r: round, i: index }));
      });
      await arrived;
      if (round >= WARMUP_ROUNDS) results.push(summarize(sendStart, receivers.receivedAt[round] ?? []));
    }
  } finally {
    await closeClients(clients);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return results;
}

function row(name: string, results: RoundResult[]): Record<string, string> {
  return {
    fan_out: name,
    'delivery p50 (ms)': median(results.map((result) => result.p50Ms)).toFixed(2),
    'delivery p99 (ms)': median(results.map((result) => result.p99Ms)).toFixed(2),
    'total fan-out (ms)': median(results.map((result) => result.fanOutMs)).toFixed(1),
    'messages/s': median(results.map((result) => result.messagesPerSecond)).toFixed(0),
  };
}

/**
 * Runs the fan-out benchmark and prints the medians over the measured rounds, per round figures and the ratio
 * to the in-process `ws.send` floor.
 *
 * @example
 * ```ts
 * import { run } from './bench/local/index.js';
 *
 * await run();
 * ```
 */
export async function run(): Promise<void> {
  console.log(
    `${CONNECTIONS} connections, ${ROUNDS} measured rounds after ${WARMUP_ROUNDS} warm-up, ` +
      `PostToConnection concurrency ${CONCURRENCY} (p-limit), medians over rounds`,
  );
  const gateway = await measureGateway('sdk');
  const plainHttp = await measureGateway('http');
  const baseline = await measureBaseline();
  const ours = row('@connections POST (SDK)', gateway);
  const floor = row('ws.send in process (floor)', baseline);
  console.table([ours, row('@connections POST (plain http)', plainHttp), floor]);
  console.table(
    gateway.map((result, index) => ({
      round: index + 1,
      'p50 (ms)': result.p50Ms.toFixed(2),
      'p99 (ms)': result.p99Ms.toFixed(2),
      'fan-out (ms)': result.fanOutMs.toFixed(1),
      'messages/s': result.messagesPerSecond.toFixed(0),
    })),
  );
  const ratio = Number(ours['total fan-out (ms)']) / Number(floor['total fan-out (ms)']);
  const httpRatio = Number(row('', plainHttp)['total fan-out (ms)']) / Number(floor['total fan-out (ms)']);
  console.log(
    `total fan-out time vs floor: SDK ${ratio.toFixed(1)}×, plain http ${httpRatio.toFixed(1)}× ` +
      '(the difference is the SDK client: signing, middleware, parsing)',
  );
}
