import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sgk(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return sgkWith({}, ...args);
}

function sgkWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args], {
    cwd: root,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    timeout: 120_000,
  });
}

/** How a failed run ended: its exit code, whether the timeout had to kill it, and what it printed. */
async function failureOf(
  running: Promise<unknown>,
): Promise<{ code: unknown; killed: unknown; stdout: string; stderr: string }> {
  const error = (await running.then(
    () => ({}),
    (caught: unknown) => caught,
  )) as { code?: unknown; killed?: unknown; stdout?: string; stderr?: string };
  return { code: error.code, killed: error.killed, stdout: error.stdout ?? '', stderr: error.stderr ?? '' };
}

/** How `sgk local --port 0 --once --quiet [...extra]` failed, run with `env`. */
function failedLocalStart(env: NodeJS.ProcessEnv, ...extra: string[]): ReturnType<typeof failureOf> {
  return failureOf(sgkWith(env, 'local', '--port', '0', '--once', '--quiet', ...extra));
}

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether nothing listens on `port` of 127.0.0.1 right now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A base port whose six ports are free now (bounded search in 20000–29999). */
async function freeBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 9_990);
    const free = await Promise.all([0, 1, 2, 3, 4, 5].map((offset) => isFree(base + offset)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('No six free ports in a row');
}

/** Runs `sgk local` until it prints `marker`; resolves with the child and what it printed so far. */
function startSgkLocal(args: string[]) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'local', ...args],
    {
      cwd: root,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const printed = (marker: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (stdout.includes(marker)) resolve(stdout);
      };
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        check();
      });
      void exited.then((code) => reject(new Error(`sgk local exited with ${code}: ${stderr}`)));
      check();
    });
  return { child, printed, exited, output: () => stdout };
}

// Each test runs sgk in a child process; the ones that start the local stack start a JVM.
describe('sgk', { timeout: 180_000 }, () => {
  it('prints the package version', async () => {
    const { stdout } = await sgk('--version');
    expect(stdout.trim()).toBe(packageJson.version);
  });

  it('lists its commands in the help', async () => {
    const { stdout } = await sgk('--help');
    expect(stdout).toMatch(/Usage: sgk/);
    expect(stdout).toMatch(/local/);
  });

  it('starts the local stack, prints its endpoints and stops with --once', async () => {
    const { stdout } = await sgk('local', '--port', '0', '--once', '--quiet');
    expect(stdout).toMatch(/HTTP API.*http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/WebSocket API.*ws:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/DynamoDB Local.*http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/S3.*http:\/\/127\.0\.0\.1:\d+/);
  });

  it('prints the buckets, the local credentials and the game client config', async () => {
    const { stdout } = await sgk('local', '--port', '0', '--once', '--quiet');
    expect(stdout).toMatch(/Kakao API \(local\).*http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/Cognito Identity \(local\).*http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toContain('Buckets: game-cdn');
    expect(stdout).toContain('AWS_ACCESS_KEY_ID=LOCALACCESSKEY AWS_SECRET_ACCESS_KEY=LOCALSECRETKEY');
    const config = JSON.parse(/^\{[\s\S]*?^\}/m.exec(stdout)?.[0] ?? '{}') as Record<string, unknown>;
    expect(config).toMatchObject({
      region: 'ap-northeast-2',
      identityPoolId: expect.stringMatching(/^ap-northeast-2:/) as unknown,
      authEndpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/auth\/kakao$/) as unknown,
    });
    expect(stdout.trimEnd().endsWith('Stopped.')).toBe(true);
  });

  it('without Java, says how to install it, stops the S3 server it started and exits 1', async () => {
    const emptyPath = await mkdtemp(join(tmpdir(), 'sgk-no-java-'));
    try {
      const env = {
        PATH: emptyPath,
        JAVA_HOME: '',
        SGK_LOCAL_DYNAMODB_ENDPOINT: '',
        SGK_LOCAL_S3_ENDPOINT: '',
      };
      const { code, killed, stderr } = await failedLocalStart(env);
      // Exiting at all proves the S3 server was stopped: a listening server would keep the process alive.
      expect(killed).toBe(false);
      expect(code).toBe(1);
      expect(stderr).toMatch(/^sgk: No Java runtime found\. .*openjdk.*\[JAVA_NOT_FOUND\]$/m);
    } finally {
      await rm(emptyPath, { recursive: true, force: true });
    }
  });

  it('says DynamoDB Local timed out and how to raise the limit (--start-timeout)', async () => {
    const { code, killed, stderr } = await failedLocalStart(
      { SGK_LOCAL_DYNAMODB_ENDPOINT: '', SGK_LOCAL_S3_ENDPOINT: '', SGK_LOCAL_START_TIMEOUT: '' },
      '--start-timeout',
      '0.001',
    );
    expect(killed).toBe(false);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^sgk: DynamoDB Local timed out: no answer on port \d+ within 0\.001 s\./m);
    expect(stderr).toContain('SGK_LOCAL_START_TIMEOUT=<seconds>');
    expect(stderr).toContain('sgk local --start-timeout <seconds>');
    expect(stderr).toMatch(/\[START_TIMEOUT\]$/m);
  });

  it('takes the start-up limit from SGK_LOCAL_START_TIMEOUT and refuses a bad one', async () => {
    const env = { SGK_LOCAL_DYNAMODB_ENDPOINT: '', SGK_LOCAL_S3_ENDPOINT: '' };
    const tiny = await failedLocalStart({ ...env, SGK_LOCAL_START_TIMEOUT: '0.001' });
    const bad = await failedLocalStart({ ...env, SGK_LOCAL_START_TIMEOUT: 'soon' });
    const badFlag = await failureOf(sgk('local', '--start-timeout', '0', '--once'));

    expect(tiny.code).toBe(1);
    expect(tiny.stderr).toMatch(/within 0\.001 s\..*\[START_TIMEOUT\]$/ms);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('SGK_LOCAL_START_TIMEOUT must be a positive number of seconds, not "soon".');
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toMatch(/--start-timeout.*must be a positive number of seconds/);
  });

  it('names the DynamoDB endpoint it could not reach, and what to check', async () => {
    const dynamodb = `http://127.0.0.1:${await closedPort()}`;
    const { code, killed, stderr } = await failedLocalStart({
      SGK_LOCAL_DYNAMODB_ENDPOINT: dynamodb,
      SGK_LOCAL_S3_ENDPOINT: '',
    });
    expect(killed).toBe(false);
    expect(code).toBe(1);
    expect(stderr).toContain(`sgk: Could not reach DynamoDB Local at ${dynamodb} (ECONNREFUSED).`);
    expect(stderr).toContain('SGK_LOCAL_DYNAMODB_ENDPOINT');
  });

  it('does not promise a demo in local --help', async () => {
    const { stdout } = await sgk('local', '--help');
    expect(stdout).not.toMatch(/demo/i);
    expect(stdout).toMatch(/--quiet/);
  });

  it('starts the stack from a config module', async () => {
    const { stdout } = await sgk(
      'local',
      '--config',
      join(root, 'test', 'local', 'fixtures', 'stack-config.ts'),
      '--port',
      '0',
      '--once',
    );
    expect(stdout).toMatch(/Local stack ready/);
  });

  it('refuses a --port range with a taken port, naming it, before starting anything', async () => {
    const base = await freeBase();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(base + 2, '127.0.0.1', resolve));
    try {
      const { code, killed, stderr } = await failureOf(
        sgk('local', '--port', String(base), '--once', '--quiet'),
      );
      expect(killed).toBe(false);
      expect(code).toBe(1);
      expect(stderr).toContain(`sgk: Port ${base + 2} (S3) on 127.0.0.1 is in use`);
      expect(stderr).toContain('--port 0');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('listens on the documented ports of --port, and its printed one-liner publishes a build players can pull', async () => {
    const base = await freeBase();
    const local = startSgkLocal(['--port', String(base), '--quiet']);
    const work = await mkdtemp(join(tmpdir(), 'sgk-local-publish-'));
    try {
      const stdout = await local.printed('Press Ctrl-C to stop.');
      expect(stdout).toMatch(new RegExp(`HTTP API.*http://127\\.0\\.0\\.1:${base}\\b`));
      expect(stdout).toMatch(new RegExp(`WebSocket API.*ws://127\\.0\\.0\\.1:${base + 1}\\b`));
      expect(stdout).toMatch(new RegExp(`S3.*http://127\\.0\\.0\\.1:${base + 2}\\b`));
      expect(stdout).toMatch(new RegExp(`DynamoDB Local.*http://127\\.0\\.0\\.1:${base + 3}\\b`));
      expect(stdout).toMatch(new RegExp(`Kakao API \\(local\\).*http://127\\.0\\.0\\.1:${base + 4}\\b`));
      expect(stdout).toMatch(
        new RegExp(`Cognito Identity \\(local\\).*http://127\\.0\\.0\\.1:${base + 5}\\b`),
      );

      // Run the printed one-liner as printed, with ./build a real folder.
      const line =
        /^ {2}(AWS_REGION=\S+ AWS_ACCESS_KEY_ID=\S+ AWS_SECRET_ACCESS_KEY=\S+) npx sgk (patch publish \.\/build .*)$/m.exec(
          stdout,
        );
      expect(line).not.toBeNull();
      const env = Object.fromEntries(
        (line?.[1] ?? '').split(' ').map((pair) => pair.split('=') as [string, string]),
      );
      const args = (line?.[2] ?? '').split(' ');
      await mkdir(join(work, 'build'));
      await writeFile(join(work, 'build', 'game.json'), '{"level":1}');
      const published = await run(
        process.execPath,
        // tsx by path: the build folder's working directory has no node_modules.
        [
          '--import',
          pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href,
          join(root, 'src', 'cli', 'main.ts'),
          ...args,
        ],
        {
          cwd: work,
          env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
          timeout: 120_000,
        },
      );
      expect(published.stdout).toMatch(/Published r1-/);

      const pull = /^ {2}npx sgk (patch pull \S+) \.\/game$/m.exec(stdout);
      expect(pull?.[1]).toBe(`patch pull http://127.0.0.1:${base}/cdn/patch`);
      await sgk(...(pull?.[1] ?? '').split(' '), join(work, 'game'));
      expect(await readFile(join(work, 'game', 'game.json'), 'utf8')).toBe('{"level":1}');
    } finally {
      local.child.kill('SIGINT');
      expect(await local.exited).toBe(0);
      expect(local.output().trimEnd().endsWith('Stopped.')).toBe(true);
      await rm(work, { recursive: true, force: true });
    }
  });
});
