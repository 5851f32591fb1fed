/**
 * Benchmarks `serverless-game-kit/auth`:
 *
 * 1. Cold start: a fresh `node` process importing only the auth Lambda entry (`src/auth/lambda.ts`, bundled as a
 *    deployment would bundle it, dependencies external) vs one importing every subpath entry that exists
 *    (`src/<module>/index.ts` and `src/<module>/lambda.ts`). Runs alternate; medians of the import time and of
 *    the time from process start to "imported". Also checks that the auth Lambda bundle contains no other
 *    module's code.
 * 2. Sign-ins per second through the local stack (alternating rounds, medians): `KakaoCognitoAuth.signIn` → HTTP gateway → handler → local
 *    Kakao + local Cognito → `GetCredentialsForIdentity`, at concurrency 1 and 8. Baseline: the same three calls
 *    made directly (token info with `fetch`, both Cognito operations with the AWS SDK; no gateway, no handler,
 *    no validation), as a backend without this kit's handler would make them.
 *
 * Run with `npm run bench -- auth` (starts DynamoDB Local and s3rver for the stack; needs Java 17).
 */
import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
} from '@aws-sdk/client-cognito-identity';
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { KakaoCognitoAuth } from '../../src/auth/client.js';
import { createKakaoAuthHandler } from '../../src/auth/kakao-auth-handler.js';
import { startLocalCognito } from '../../src/local/auth/cognito-server.js';
import { startLocalKakao } from '../../src/local/auth/kakao-server.js';
import { LOCAL_REGION, localClientConfig } from '../../src/local/client-config.js';
import { startLocalStack } from '../../src/local/stack/start-local-stack.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const COLD_START_RUNS = 15;
const SIGN_INS_PER_ROUND = 100;
const ROUNDS = 5;
const WARMUP_SIGN_INS = 40;
const POOL_ID = `${LOCAL_REGION}:11111111-2222-3333-4444-555555555555`;
const PROVIDER = 'gamingonaws.auth';
const APP_ID = 424242;

export async function run(): Promise<void> {
  await coldStart();
  await signInThroughput();
}

// ---------------------------------------------------------------------------------------------- cold start

async function coldStart(): Promise<void> {
  const workDir = join(root, 'node_modules', '.cache', 'serverless-game-kit-bench', `auth-${process.pid}`);
  await mkdir(workDir, { recursive: true });
  try {
    const modules = ['hangul', 'auth', 'patch', 'scores', 'quiz', 'local'];
    const entries = modules.flatMap((name) =>
      ['index', 'lambda']
        .map((file) => join(root, 'src', name, `${file}.ts`))
        .filter((path) => existsSync(path))
        .map((path) => ({ name: `${name}/${path.endsWith('lambda.ts') ? 'lambda' : 'index'}`, path })),
    );
    // Entries that do not bundle (work in progress elsewhere) are left out and named.
    const usable: typeof entries = [];
    for (const entry of entries) {
      const ok = await bundle(entry.path, join(workDir, 'probe.mjs')).then(
        () => true,
        () => false,
      );
      if (ok) usable.push(entry);
      else console.log(`  (left out of "every subpath": ${entry.name} does not bundle right now)`);
    }
    const everyEntry = join(workDir, 'every-subpath.ts');
    await writeFile(
      everyEntry,
      usable
        .map((entry, i) => `export * as m${i} from ${JSON.stringify(entry.path.replace(/\.ts$/, '.js'))};`)
        .join('\n') + '\n',
    );
    const authOnly = await bundle(join(root, 'src', 'auth', 'lambda.ts'), join(workDir, 'auth-lambda.mjs'));
    await bundle(everyEntry, join(workDir, 'every-subpath.mjs'));

    const foreign = authOnly.inputs.filter(
      (path) => /(^|\/)src\//.test(path) && !/src\/(auth|core)\//.test(path),
    );
    console.log(
      `auth/lambda bundle: ${authOnly.inputs.filter((p) => p.includes('src/')).length} source files, ` +
        `${foreign.length === 0 ? 'no other module' : `other modules: ${foreign.join(', ')}`}; ` +
        `every-subpath bundle: ${usable.map((entry) => entry.name).join(', ')}`,
    );

    const samples = { empty: [] as Timing[], auth: [] as Timing[], every: [] as Timing[] };
    for (let i = 0; i < COLD_START_RUNS + 1; i++) {
      const empty = timeImport(undefined);
      const auth = timeImport(join(workDir, 'auth-lambda.mjs'));
      const every = timeImport(join(workDir, 'every-subpath.mjs'));
      if (i === 0) continue; // first round warms the OS file cache
      samples.empty.push(empty);
      samples.auth.push(auth);
      samples.every.push(every);
    }
    const row = (label: string, timings: Timing[]): string =>
      `  ${label.padEnd(34)} import ${median(timings.map((t) => t.importMs))
        .toFixed(1)
        .padStart(7)} ms   ` +
      `process start → ready ${median(timings.map((t) => t.readyMs))
        .toFixed(1)
        .padStart(7)} ms`;
    console.log(`Cold start, fresh node ${process.version}, median of ${COLD_START_RUNS} alternating runs:`);
    console.log(row('node, nothing imported', samples.empty));
    console.log(row('serverless-game-kit/auth/lambda', samples.auth));
    console.log(row(`every subpath (${usable.length} entries)`, samples.every));
    const authImport = median(samples.auth.map((t) => t.importMs));
    const everyImport = median(samples.every.map((t) => t.importMs));
    console.log(
      `  ratio every/auth-only: import ${(everyImport / authImport).toFixed(2)}×, ready ${(
        median(samples.every.map((t) => t.readyMs)) / median(samples.auth.map((t) => t.readyMs))
      ).toFixed(2)}×`,
    );
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

interface Timing {
  importMs: number;
  readyMs: number;
}

async function bundle(entry: string, outfile: string): Promise<{ inputs: string[] }> {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    metafile: true,
    logLevel: 'silent',
  });
  return { inputs: Object.keys(result.metafile.inputs).map((path) => relative(root, join(root, path))) };
}

function timeImport(file: string | undefined): Timing {
  const target = file === undefined ? 'null' : JSON.stringify(pathToFileURL(file).href);
  const script =
    `const t0 = performance.now(); const target = ${target}; if (target) await import(target); ` +
    `const t1 = performance.now(); process.stdout.write(JSON.stringify({ importMs: t1 - t0, readyMs: t1 }));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  if (child.status !== 0) throw new Error(`import of ${file ?? 'nothing'} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as Timing;
}

// ---------------------------------------------------------------------------------------------- sign-ins

async function signInThroughput(): Promise<void> {
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const kakao = await startLocalKakao({ defaultAppId: APP_ID });
  const cognito = await startLocalCognito();
  const cognitoClient = new CognitoIdentityClient(localClientConfig(cognito.endpoint, { maxAttempts: 1 }));
  const stack = await startLocalStack({
    http: { authorizer: cognito.authorizer },
    functions: () => ({
      http: {
        'POST /auth/kakao': createKakaoAuthHandler({
          identityPoolId: POOL_ID,
          developerProviderName: PROVIDER,
          kakaoAppIds: [APP_ID],
          kakaoApiBaseUrl: kakao.endpoint,
          cognitoIdentityClient: cognitoClient,
          logger: silent,
        }),
      },
    }),
    log: () => undefined,
  });
  try {
    const authEndpoint = `${stack.endpoints.http}/auth/kakao`;
    const tokens = (count: number): string[] =>
      Array.from({ length: count }, (_, i) => kakao.mintToken({ kakaoId: 5_000_000_000 + (i % 1000) }));

    const ours = async (token: string): Promise<void> => {
      const auth = new KakaoCognitoAuth({
        authEndpoint,
        region: LOCAL_REGION,
        cognitoEndpoint: cognito.endpoint,
      });
      await auth.signIn(token);
    };
    const baseline = async (token: string): Promise<void> => {
      const info = (await (
        await fetch(`${kakao.endpoint}/v1/user/access_token_info`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as { id: number };
      const { IdentityId, Token } = await cognitoClient.send(
        new GetOpenIdTokenForDeveloperIdentityCommand({
          IdentityPoolId: POOL_ID,
          Logins: { [PROVIDER]: String(info.id) },
          TokenDuration: 3600,
        }),
      );
      await cognitoClient.send(
        new GetCredentialsForIdentityCommand({
          IdentityId,
          Logins: { 'cognito-identity.amazonaws.com': Token! },
        }),
      );
    };

    await runAll(tokens(WARMUP_SIGN_INS), 4, ours);
    await runAll(tokens(WARMUP_SIGN_INS), 4, baseline);
    console.log(
      `Sign-ins through the local stack (${ROUNDS} alternating rounds of ${SIGN_INS_PER_ROUND} distinct tokens; medians):`,
    );
    for (const concurrency of [1, 8]) {
      const ourRounds: RunResult[] = [];
      const baseRounds: RunResult[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        ourRounds.push(await runAll(tokens(SIGN_INS_PER_ROUND), concurrency, ours));
        baseRounds.push(await runAll(tokens(SIGN_INS_PER_ROUND), concurrency, baseline));
      }
      const ourResult = medianResult(ourRounds);
      const baseResult = medianResult(baseRounds);
      const line = (label: string, result: RunResult): string =>
        `  ${label.padEnd(48)} ${result.perSecond.toFixed(0).padStart(6)} /s   p50 ${result.p50.toFixed(1)} ms   p99 ${result.p99.toFixed(1)} ms`;
      console.log(line(`KakaoCognitoAuth.signIn via gateway, c=${concurrency}`, ourResult));
      console.log(line(`baseline: direct Kakao + 2 Cognito calls, c=${concurrency}`, baseResult));
      console.log(
        `  ratio ours/baseline at c=${concurrency}: ${(ourResult.perSecond / baseResult.perSecond).toFixed(2)}×`,
      );
    }
  } finally {
    await stack.stop();
    cognitoClient.destroy();
    await Promise.all([kakao.stop(), cognito.stop()]);
  }
}

interface RunResult {
  perSecond: number;
  p50: number;
  p99: number;
}

async function runAll(
  tokens: string[],
  concurrency: number,
  signIn: (token: string) => Promise<void>,
): Promise<RunResult> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tokens.length) {
        const token = tokens[next++]!;
        const t0 = performance.now();
        await signIn(token);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: (tokens.length / elapsed) * 1000,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

function medianResult(results: RunResult[]): RunResult {
  return {
    perSecond: median(results.map((result) => result.perSecond)),
    p50: median(results.map((result) => result.p50)),
    p99: median(results.map((result) => result.p99)),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return percentile(sorted, 0.5);
}
