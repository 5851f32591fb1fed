import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { LOCAL_REGION } from '../../src/local/client-config.js';
import { startLocalStack } from '../../src/local/stack/start-local-stack.js';
import { createLocalTable } from '../../src/local/stack/tables.js';
import type { LocalIamIdentity } from '../../src/local/stack/types.js';
import { ScoreClient } from '../../src/scores/client.js';
import { createSubmitScoreHandler } from '../../src/scores/submit-handler.js';
import { scoreTables } from '../../src/scores/table.js';
import { format, percentile } from './support.js';
import { seededRandom } from '../../test/support/seeded-random.js';

const SUBMISSIONS = 2_000;
const CONCURRENCY = 16;
const PLAYERS = 500;

/** The local stack's IAM hook for the benchmark: the SigV4 access key id names the player. */
function benchAuthorizer(request: { headers: Record<string, string> }): LocalIamIdentity | undefined {
  const accessKey = /Credential=([^/]+)\//.exec(request.headers.authorization ?? '')?.[1];
  if (!accessKey) return undefined;
  return {
    accessKey,
    accountId: '000000000000',
    callerId: accessKey,
    userArn: `arn:aws:sts::000000000000:assumed-role/players/${accessKey}`,
    userId: accessKey,
    cognitoIdentity: {
      amr: ['authenticated'],
      identityId: `${LOCAL_REGION}:${accessKey}`,
      identityPoolId: `${LOCAL_REGION}:pool`,
    },
  };
}

/**
 * Submissions per second through the whole local stack (ScoreClient signing with SigV4 → HTTP gateway → IAM hook →
 * submit handler → DynamoDB Local), `CONCURRENCY` in flight, against the naive baseline's `PutUserScore` (one unconditional
 * PutItem of `{username, score}` from the body, unsigned) behind the same gateway.
 */
export async function benchmarkSubmitThroughput(dynamodbEndpoint: string): Promise<void> {
  const suffix = Date.now().toString(36);
  const config = { scoresTable: `bench-submit-${suffix}`, distributionTable: `bench-submit-dist-${suffix}` };
  const sampleTable = `bench-sample-scores-${suffix}`;
  const stack = await startLocalStack({
    services: { dynamodbEndpoint },
    tables: [
      ...scoreTables(config, { stream: false }),
      { name: sampleTable, partitionKey: { name: 'username', type: 'S' } },
    ],
    http: { authorizer: benchAuthorizer },
    functions: ({ clients }) => ({
      http: {
        'POST /scoreboard': {
          handler: createSubmitScoreHandler({ dynamodb: clients.dynamodb, tables: config }),
          auth: 'iam',
        },
        'POST /sample/scoreboard': async (event: { body?: string }) =>
          samplePutUserScore(clients.dynamodb, sampleTable, event.body),
      },
    }),
    log: () => {},
  });
  try {
    console.log(
      `\n-- Submit throughput through the local stack (${format(SUBMISSIONS, 0)} submissions, ${CONCURRENCY} in flight, ${PLAYERS} players) --`,
    );
    const random = seededRandom(99);
    const plays = Array.from({ length: SUBMISSIONS }, () => ({
      player: `P${Math.floor(random() * PLAYERS)}`,
      score: Math.floor(random() * 10_000),
    }));
    const clients = new Map<string, ScoreClient>();
    const clientOf = (player: string): ScoreClient => {
      let client = clients.get(player);
      if (!client) {
        client = new ScoreClient({
          endpoint: stack.endpoints.http,
          region: LOCAL_REGION,
          credentials: { accessKeyId: player, secretAccessKey: 'secret', sessionToken: 'token' },
        });
        clients.set(player, client);
      }
      return client;
    };
    const ours = await drive(plays, async (play) => {
      await clientOf(play.player).submit(play.score);
    });
    const sample = await drive(plays, async (play) => {
      const response = await fetch(`${stack.endpoints.http}/sample/scoreboard`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: play.player, score: play.score }),
      });
      if (!response.ok) throw new Error(`baseline answered ${response.status}`);
      await response.arrayBuffer();
    });
    const directConfig = { ...config, scoresTable: `bench-submit-direct-${suffix}` };
    await createLocalTable(stack.clients.dynamodb, scoreTables(directConfig, { stream: false })[0]!);
    const direct = createSubmitScoreHandler({ dynamodb: stack.clients.dynamodb, tables: directConfig });
    const oursDirect = await drive(plays, async (play) => {
      const result = await direct(submitEvent(play.player, play.score));
      if (result.statusCode !== 200) throw new Error(`submit answered ${result.statusCode}`);
    });
    const sampleDirect = await drive(plays, async (play) => {
      await samplePutUserScore(
        stack.clients.dynamodb,
        sampleTable,
        JSON.stringify({ username: play.player, score: play.score }),
      );
    });
    const line = (label: string, result: { perSecond: number; p50: number; p99: number }) =>
      `  ${label.padEnd(48)} ${format(result.perSecond, 0).padStart(6)} submissions/s  p50 ${format(result.p50, 1)} ms  p99 ${format(result.p99, 1)} ms`;
    console.log(line('ours (SigV4 + identity + validation + UpdateItem)', ours));
    console.log(line('baseline (unsigned PutItem of the body)', sample));
    console.log(
      `  ours runs at ${format(ours.perSecond / sample.perSecond, 2)}x the baseline's rate (it signs, validates and keeps the best)`,
    );
    console.log(line('ours, handler called directly (no HTTP, no SigV4)', oursDirect));
    console.log(line('baseline, PutItem called directly', sampleDirect));
  } finally {
    await stack.stop();
  }
}

function submitEvent(player: string, score: number): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ score }),
    isBase64Encoded: false,
    requestContext: {
      http: { method: 'POST', path: '/scoreboard' },
      authorizer: {
        iam: {
          cognitoIdentity: {
            identityId: `${LOCAL_REGION}:${player}`,
            amr: ['authenticated'],
            identityPoolId: 'pool',
          },
        },
      },
    },
  } as unknown as APIGatewayProxyEventV2;
}

async function samplePutUserScore(dynamodb: DynamoDBClient, table: string, body: string | undefined) {
  const event = JSON.parse(body ?? '{}') as { username: string; score: number };
  await dynamodb.send(
    new PutItemCommand({
      TableName: table,
      Item: { username: { S: event.username }, score: { N: String(event.score) } },
    }),
  );
  return { statusCode: 200, body: '{}' };
}

async function drive<T>(
  items: T[],
  work: (item: T) => Promise<void>,
): Promise<{ perSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const queue = [...items];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        const begin = performance.now();
        await work(item);
        latencies.push(performance.now() - begin);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    perSecond: items.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}
