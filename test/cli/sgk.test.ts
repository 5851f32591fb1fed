import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
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
    const { stdout } = await sgk('local', '--once', '--quiet');
    expect(stdout).toMatch(/HTTP API.*http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/WebSocket API.*ws:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/DynamoDB Local.*http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/S3.*http:\/\/127\.0\.0\.1:\d+/);
  });

  it('prints the buckets, the local credentials and the game client config', async () => {
    const { stdout } = await sgk('local', '--once', '--quiet');
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
      const { code, killed, stderr } = await failureOf(sgkWith(env, 'local', '--once', '--quiet'));
      // Exiting at all proves the S3 server was stopped: a listening server would keep the process alive.
      expect(killed).toBe(false);
      expect(code).toBe(1);
      expect(stderr).toMatch(/^sgk: No Java runtime found\. .*openjdk.*\[JAVA_NOT_FOUND\]$/m);
    } finally {
      await rm(emptyPath, { recursive: true, force: true });
    }
  });

  it('names the DynamoDB endpoint it could not reach, and what to check', async () => {
    const dynamodb = `http://127.0.0.1:${await closedPort()}`;
    const { code, killed, stderr } = await failureOf(
      sgkWith(
        { SGK_LOCAL_DYNAMODB_ENDPOINT: dynamodb, SGK_LOCAL_S3_ENDPOINT: '' },
        'local',
        '--once',
        '--quiet',
      ),
    );
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
      '--once',
    );
    expect(stdout).toMatch(/Local stack ready/);
  });
});
