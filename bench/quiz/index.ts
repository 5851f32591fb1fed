/**
 * The quiz under load, through the local stack's WebSocket gateway and DynamoDB Local, with real `ws` clients:
 *
 * 1. **Round change to 500 clients**: one client sends the correct answer; the time until *every* one of the 500
 *    clients in the room has received the next round's `state` (p50/p99 over rounds), and each delivery's
 *    latency (p50/p99 over all deliveries). Ours (`createQuizSocketHandler`: Query on the `byRoom` index,
 *    p-limit 50, one frame per connection) against the scan-all design (`scan-all-design.ts`: Scan of the whole
 *    connections table, then `postToConnection` to each with no bound — twice, chat then game data), in the same
 *    run, rounds alternating between the two. Each connections table also holds 4,500 connections of 9 other
 *    rooms (10 rooms × 500 = 5,000 items); they are not open sockets, so the gateway answers 410 to posts to
 *    them — ours never posts to them, the scan-all design posts to all of them every time and never cleans up.
 * 2. **What listing the room costs**: the read capacity of our Query against the scan-all design's Scan.
 * 3. **Messages per second a room sustains**: 10 senders post chat lines (not answers) into the 500-client
 *    room; throughput = lines / (first send → last client received the last line).
 *
 * Everything (gateway, handlers, 1,000 clients) shares one process on this machine, so absolute times include
 * the clients' own work; the ratio compares like with like. `npm run bench -- quiz`
 */
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import {
  QueryCommand,
  ScanCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { Agent } from 'node:http';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import pLimit from 'p-limit';
import WebSocket from 'ws';
import { localClientConfig } from '../../src/local/client-config.js';
import { type LocalStack, startLocalStack } from '../../src/local/stack/start-local-stack.js';
import { DEFAULT_WORD_PACK } from '../../src/quiz/default-word-pack.js';
import { QuizDictionary } from '../../src/quiz/dictionary.js';
import { createQuizSocketHandler } from '../../src/quiz/socket-handler.js';
import { quizTables } from '../../src/quiz/tables.js';
import { runFloodBench } from './flood.js';
import { type ScanAllTables, createScanAllDesignHandler, scanAllWord } from './scan-all-design.js';
import { percentile } from './percentile.js';

const CLIENTS = 500;
const OTHER_ROOMS = 9;
/** Rounds measured, in this order (after one unmeasured warm-up round of ours); the scan-all design's are slow. */
const SCHEDULE = ['ours', 'scan-all', 'ours', 'ours', 'scan-all', 'ours', 'ours'] as const;
const CHAT_SENDERS = 10;
const CHAT_LINES = 24;
const CONNECT_CONCURRENCY = 25;
const WAIT_MS = 120_000;
const ROOM = 'bench';

const dictionary = QuizDictionary.from(DEFAULT_WORD_PACK);
const words = DEFAULT_WORD_PACK;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`bench: timed out waiting for ${what}`)), WAIT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** 500 clients of one room that note when each round's state and each chat line arrive. */
class Room {
  readonly sockets: WebSocket[] = [];
  /** round → per-client receipt time of the first state of that round. */
  readonly stateAt = new Map<number, number[]>();
  latestPattern = '';
  latestRound = 0;
  chatCount = 0;
  #waiters: Array<() => void> = [];

  async connect(url: string): Promise<void> {
    const limit = pLimit(CONNECT_CONCURRENCY);
    await Promise.all(
      Array.from({ length: CLIENTS }, (_, index) =>
        limit(
          () =>
            new Promise<void>((resolve, reject) => {
              const ws = new WebSocket(`${url}/?room=${ROOM}&name=p${index}`);
              ws.once('open', () => resolve());
              ws.once('error', reject);
              ws.on('message', (data: Buffer) => this.#onMessage(index, data));
              this.sockets.push(ws);
            }),
        ),
      ),
    );
  }

  #onMessage(index: number, data: Buffer): void {
    const now = performance.now();
    type Event = { type: string; round?: number; pattern?: string };
    const json = JSON.parse(data.toString('utf8')) as Event | Event[];
    for (const event of Array.isArray(json) ? json : [json]) this.#onEvent(index, event, now);
    for (const wake of this.#waiters.splice(0)) wake();
  }

  #onEvent(index: number, event: { type: string; round?: number; pattern?: string }, now: number): void {
    if (event.type === 'state' && typeof event.round === 'number') {
      const times = this.stateAt.get(event.round) ?? [];
      if (times[index] === undefined) times[index] = now;
      this.stateAt.set(event.round, times);
      if (event.round > this.latestRound) {
        this.latestRound = event.round;
        this.latestPattern = event.pattern ?? '';
      }
    } else if (event.type === 'chat') {
      this.chatCount++;
    }
  }

  received(round: number): number {
    return (this.stateAt.get(round) ?? []).filter((time) => time !== undefined).length;
  }

  async until(check: () => boolean, what: string): Promise<void> {
    await within(
      (async () => {
        while (!check()) await new Promise<void>((resolve) => this.#waiters.push(resolve));
      })(),
      what,
    );
  }

  close(): void {
    for (const ws of this.sockets) ws.terminate();
  }
}

async function seedOtherRooms(
  documents: DynamoDBDocumentClient,
  table: string,
  scanAllLayout: boolean,
): Promise<void> {
  const now = Date.now();
  const items = Array.from({ length: OTHER_ROOMS * CLIENTS }, (_, index) => {
    const room = `other-${index % OTHER_ROOMS}`;
    const connectionId = `seed${String(index).padStart(6, '0')}=`;
    return scanAllLayout
      ? { connectionId, answerCnt: 0 }
      : {
          connectionId,
          roomId: room,
          name: `u${index}`,
          playerId: `guest-seed${index}`,
          connectedAt: now + index,
          ttl: Math.floor(now / 1000) + 7_200,
        };
  });
  const limit = pLimit(8);
  const batches: Array<typeof items> = [];
  for (let index = 0; index < items.length; index += 25) batches.push(items.slice(index, index + 25));
  await Promise.all(
    batches.map((batch) =>
      limit(async () => {
        let pending: Array<{ PutRequest: { Item: Record<string, unknown> } }> = batch.map((Item) => ({
          PutRequest: { Item },
        }));
        while (pending.length > 0) {
          const result = await documents.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
          pending = (result.UnprocessedItems?.[table] ?? []).flatMap((request) =>
            request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : [],
          );
        }
      }),
    ),
  );
}

function managementClient(endpoint: string): ApiGatewayManagementApiClient {
  // The same client settings for both designs: the SDK's default 50 sockets, keep-alive, no socket warnings.
  return new ApiGatewayManagementApiClient({
    ...localClientConfig(endpoint),
    requestHandler: new NodeHttpHandler({
      httpAgent: new Agent({ keepAlive: true, maxSockets: 50 }),
      socketAcquisitionWarningTimeout: 600_000,
    }),
  });
}

interface Variant {
  name: string;
  room: Room;
  /** Sends the correct answer for the current round from client 0; resolves the round it answered. */
  answer(): number;
}

async function measureRound(variant: Variant): Promise<{ allMs: number; deliveries: number[] }> {
  const answered = variant.answer();
  const started = performance.now();
  await variant.room.until(
    () => variant.room.received(answered + 1) === CLIENTS,
    `${variant.name} round ${answered + 1}`,
  );
  const times = variant.room.stateAt.get(answered + 1)!;
  const deliveries = times.map((time) => time - started);
  return { allMs: Math.max(...deliveries), deliveries };
}

function report(name: string, all: number[], deliveries: number[]): { p50: number; p99: number } {
  const p50 = percentile(all, 0.5);
  const p99 = percentile(all, 0.99);
  console.log(
    `${name.padEnd(36)} all ${CLIENTS} got the state: p50 ${p50.toFixed(0).padStart(6)} ms  p99 ${p99
      .toFixed(0)
      .padStart(6)} ms | per delivery: p50 ${percentile(deliveries, 0.5)
      .toFixed(0)
      .padStart(
        6,
      )} ms  p99 ${percentile(deliveries, 0.99).toFixed(0).padStart(6)} ms  (${all.length} rounds)`,
  );
  return { p50, p99 };
}

export async function run(): Promise<void> {
  const started = performance.now();
  const ours = {
    tables: quizTables({ connections: 'bench-connections', rooms: 'bench-rooms', chat: 'bench-chat' }),
  };
  // DynamoDB Local compares table names case-insensitively: keep them distinct from ours in more than case.
  const scanAllTables: ScanAllTables = {
    users: 'scan-all-User',
    game: 'scan-all-Game',
    chat: 'scan-all-Chat',
  };
  const log = (): void => undefined;

  const oursStack: LocalStack = await startLocalStack({
    tables: ours.tables,
    functions: (env) => {
      const handler = createQuizSocketHandler({
        tables: { connections: 'bench-connections', rooms: 'bench-rooms', chat: 'bench-chat' },
        documentClient: env.clients.documents,
        managementClient: managementClient(env.endpoints.connections),
        seed: 1,
        recentChat: 10,
        log: (entry) => {
          if (entry.level === 'error') console.error(entry.message, entry.error);
        },
      });
      return { websocket: { $connect: handler, $disconnect: handler, $default: handler } };
    },
    log,
  });
  const scanAllStack = await startLocalStack({
    services: { dynamodbEndpoint: oursStack.endpoints.dynamodb, s3Endpoint: oursStack.endpoints.s3 },
    tables: [
      { name: scanAllTables.users, partitionKey: { name: 'connectionId', type: 'S' } },
      { name: scanAllTables.game, partitionKey: { name: 'id', type: 'S' } },
      { name: scanAllTables.chat, partitionKey: { name: 'timestamp', type: 'S' } },
    ],
    functions: (env) => {
      const handler = createScanAllDesignHandler({
        documents: env.clients.documents,
        tables: scanAllTables,
        management: managementClient(env.endpoints.connections),
        words,
      });
      return { websocket: { $connect: handler, $disconnect: handler, $default: handler } };
    },
    log,
  });

  const oursRoom = new Room();
  const scanAllRoom = new Room();
  try {
    await Promise.all([
      seedOtherRooms(oursStack.clients.documents, 'bench-connections', false),
      seedOtherRooms(oursStack.clients.documents, scanAllTables.users, true),
    ]);
    await oursRoom.connect(oursStack.endpoints.websocket);
    await scanAllRoom.connect(scanAllStack.endpoints.websocket);
    console.log(
      `${CLIENTS} clients in room "${ROOM}" on each design; ${OTHER_ROOMS * CLIENTS} more connections of ${OTHER_ROOMS} other rooms in each connections table (setup ${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );

    // Ours: client 0 asks for the state once to learn the pattern.
    oursRoom.sockets[0]!.send(JSON.stringify({ action: 'sync' }));
    await oursRoom.until(() => oursRoom.latestRound >= 1, 'the first state');
    let scanAllRound = 1;
    const variants: Variant[] = [
      {
        name: 'ours (Query byRoom + p-limit 50)',
        room: oursRoom,
        answer: () => {
          const round = oursRoom.latestRound;
          const word = dictionary.answersFor(oursRoom.latestPattern)[0]!;
          oursRoom.sockets[0]!.send(JSON.stringify({ action: 'chat', text: word, round }));
          return round;
        },
      },
      {
        name: 'scan-all (Scan all + unbounded)',
        room: scanAllRoom,
        answer: () => {
          const round = scanAllRound++;
          scanAllRoom.sockets[0]!.send(
            JSON.stringify({ username: 'p0', content: scanAllWord(words, round) }),
          );
          return round;
        },
      },
    ];

    const results = new Map<string, { all: number[]; deliveries: number[] }>(
      variants.map((variant) => [variant.name, { all: [], deliveries: [] }]),
    );
    await measureRound(variants[0]!); // warm-up
    for (const which of SCHEDULE) {
      const variant = variants[which === 'ours' ? 0 : 1]!;
      const result = await measureRound(variant);
      const entry = results.get(variant.name)!;
      entry.all.push(result.allMs);
      entry.deliveries.push(...result.deliveries);
    }
    console.log('\nRound change → next state received by every client in the room:');
    const [oursResult, scanAllResult] = variants.map((variant) => {
      const entry = results.get(variant.name)!;
      return report(variant.name, entry.all, entry.deliveries);
    });
    console.log(
      `ratio scan-all / ours: p50 ${(scanAllResult!.p50 / oursResult!.p50).toFixed(2)}×  p99 ${(
        scanAllResult!.p99 / oursResult!.p99
      ).toFixed(
        2,
      )}×  (target: ours p99 < 1000 ms — ${oursResult!.p99 < 1000 ? 'met' : 'NOT met'} on this machine)`,
    );

    const [query, scan] = await Promise.all([
      oursStack.clients.documents.send(
        new QueryCommand({
          TableName: 'bench-connections',
          IndexName: 'byRoom',
          KeyConditionExpression: 'roomId = :room',
          ExpressionAttributeValues: { ':room': ROOM },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
      (async () => {
        let capacity = 0;
        let startKey: Record<string, unknown> | undefined;
        do {
          const page = await oursStack.clients.documents.send(
            new ScanCommand({
              TableName: scanAllTables.users,
              ProjectionExpression: 'connectionId',
              ReturnConsumedCapacity: 'TOTAL',
              ...(startKey ? { ExclusiveStartKey: startKey } : {}),
            }),
          );
          capacity += page.ConsumedCapacity?.CapacityUnits ?? 0;
          startKey = page.LastEvaluatedKey;
        } while (startKey);
        return { ConsumedCapacity: { CapacityUnits: capacity } };
      })(),
    ]);
    const queryRcu = query.ConsumedCapacity?.CapacityUnits ?? Number.NaN;
    const scanRcu = scan.ConsumedCapacity.CapacityUnits;
    console.log(
      `\nFinding whom to send to: our Query of the room's ${CLIENTS} members ${queryRcu} RCU vs the scan-all design's Scan of all ${(OTHER_ROOMS + 1) * CLIENTS} connections ${scanRcu} RCU (${(scanRcu / queryRcu).toFixed(1)}× more, twice per message); posts per round change: ours ${CLIENTS}, scan-all ${2 * (OTHER_ROOMS + 1) * CLIENTS}`,
    );

    const before = oursRoom.chatCount;
    const target = before + CHAT_LINES * CLIENTS;
    const chatStarted = performance.now();
    for (let line = 0; line < CHAT_LINES; line++) {
      oursRoom.sockets[1 + (line % CHAT_SENDERS)]!.send(
        JSON.stringify({ action: 'chat', text: `부하 시험 ${line}` }),
      );
    }
    await oursRoom.until(() => oursRoom.chatCount >= target, 'every chat line at every client');
    const seconds = (performance.now() - chatStarted) / 1000;
    console.log(
      `\nChat throughput, one room of ${CLIENTS}: ${CHAT_LINES} lines from ${CHAT_SENDERS} senders in ${seconds.toFixed(
        1,
      )} s = ${(CHAT_LINES / seconds).toFixed(1)} lines/s sustained (${(
        (CHAT_LINES * CLIENTS) /
        seconds
      ).toFixed(0)} deliveries/s)`,
    );
  } finally {
    oursRoom.close();
    scanAllRoom.close();
    await scanAllStack.stop();
    await oursStack.stop();
  }
  await runFloodBench();
  console.log(`(bench took ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
