/**
 * `sgk patch` as a user runs it: the CLI in a child process, against the test run's S3 server and a local stack
 * that serves the bucket as a CDN (no JVM: DynamoDB is not used).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/client-config.js';
import { type LocalStack, startLocalStack } from '../../src/local/stack/start-local-stack.js';
import { uniqueName } from '../support/aws.js';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const localEnv = {
  AWS_REGION: LOCAL_REGION,
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
};

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function sgk(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args],
      {
        cwd: root,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
        timeout: 120_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('sgk patch', { timeout: 180_000 }, () => {
  let stack: LocalStack;
  let work: string;
  let bucket: string;

  beforeAll(async () => {
    bucket = uniqueName('cli');
    stack = await startLocalStack({
      services: { dynamodbEndpoint: inject('dynamodbEndpoint'), s3Endpoint: inject('s3Endpoint') },
      buckets: [bucket],
      http: { cdn: { bucket } },
      log: () => undefined,
    });
    work = await mkdtemp(join(tmpdir(), 'sgk-cli-patch-'));
  });

  afterAll(async () => {
    await stack?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const s3Args = (): string[] => ['--bucket', bucket, '--prefix', 'game', '--endpoint', stack.endpoints.s3];
  const cdn = (): string => `${stack.endpoints.cdn ?? ''}/game`;

  it('status of a folder that does not exist fails with a clear message', async () => {
    const missing = join(work, 'no-such-folder');
    const { code, stdout, stderr } = await sgk(['patch', 'status', missing]);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`sgk: There is no folder ${missing}: check the path`);
    expect(stderr).toContain('[INSTALL_DIR_NOT_FOUND]');
    await expect(stat(missing)).rejects.toThrow(); // and it did not create it
  });

  it('keygen keeps existing keys without --force and replaces them with it', async () => {
    const keys = join(work, 'keys');
    expect((await sgk(['patch', 'keygen', '--out', keys])).code).toBe(0);
    const first = await readFile(join(keys, 'private.pem'), 'utf8');

    const again = await sgk(['patch', 'keygen', '--out', keys]);
    expect(again.code).toBe(1);
    expect(again.stderr).not.toContain('EEXIST');
    expect(again.stderr).toMatch(/private\.pem and .*public\.pem already exist\. .*--force.*\[KEYS_EXIST\]/);
    expect(await readFile(join(keys, 'private.pem'), 'utf8')).toBe(first);

    const forced = await sgk(['patch', 'keygen', '--out', keys, '--force']);
    expect(forced.code).toBe(0);
    expect(await readFile(join(keys, 'private.pem'), 'utf8')).not.toBe(first);
    expect((await stat(join(keys, 'private.pem'))).mode & 0o777).toBe(0o600);
    expect((await readdir(keys)).sort()).toEqual(['private.pem', 'public.pem']); // no temporary file left
  });

  it('lists --bucket as required in the help of the commands that need it', async () => {
    for (const command of ['publish', 'rollback', 'releases']) {
      const { stdout } = await sgk(['patch', command, '--help']);
      expect(stdout).toMatch(new RegExp(`^Usage: sgk patch ${command} --bucket <name> \\[options\\]`, 'm'));
      const required = stdout.indexOf('Required:\n  --bucket <name>');
      expect(required).toBeGreaterThan(0);
      expect(required).toBeLessThan(stdout.indexOf('Options:'));
      expect(stdout.slice(stdout.indexOf('Options:'))).not.toContain('--bucket');
    }
  });

  it('without credentials, says where they come from instead of a stack trace', async () => {
    const build = join(work, 'nocreds');
    await mkdir(build);
    await writeFile(join(build, 'a.txt'), 'a');
    const { code, stderr } = await sgk(['patch', 'publish', build, ...s3Args()], {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_PROFILE: '',
      AWS_CONFIG_FILE: join(work, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
      AWS_WEB_IDENTITY_TOKEN_FILE: '',
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^sgk: No AWS credentials found .*LOCALACCESSKEY.*\[NO_CREDENTIALS\]$/m);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('publishes with the scan cache elsewhere, lists releases, rolls back by id, and tells a repair from an update', async () => {
    const build = join(work, 'build');
    const game = join(work, 'game');
    const scanCache = join(work, 'cache', 'scan.json');
    await mkdir(join(build, 'maps'), { recursive: true });
    await writeFile(join(build, 'game.json'), '{"v":1}');
    await writeFile(join(build, 'maps', 'level-1.txt'), 'level one');

    const first = await sgk(
      ['patch', 'publish', build, ...s3Args(), '--release', 'r1', '--scan-cache', scanCache],
      localEnv,
    );
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain('Published r1.');
    await expect(stat(scanCache)).resolves.toBeTruthy();
    await expect(stat(join(build, '.sgk-patch'))).rejects.toThrow(); // nothing written into the source folder

    expect((await sgk(['patch', 'pull', cdn(), game])).code).toBe(0);
    const intact = await sgk(['patch', 'status', game]);
    expect(intact.stdout).toContain('All 2 files match r1.');
    expect((await sgk(['patch', 'status', game, '--cdn', cdn()])).stdout).toContain('Up to date.');

    // A player's tampered file is a repair, with or without a CDN to ask.
    await writeFile(join(game, 'maps', 'level-1.txt'), 'level one, edited');
    const offline = await sgk(['patch', 'status', game, '--json']);
    expect(JSON.parse(offline.stdout)).toMatchObject({
      verdict: 'repair-needed',
      changed: ['maps/level-1.txt'],
      missing: [],
    });
    const online = await sgk(['patch', 'status', game, '--cdn', cdn()]);
    expect(online.stdout).toMatch(
      /^Needs a repair: 1 installed file was changed or deleted \(changed: maps\/level-1\.txt\)/m,
    );
    expect(online.stdout).not.toContain('An update is available');

    await writeFile(join(build, 'game.json'), '{"v":2}');
    expect(
      (
        await sgk(
          ['patch', 'publish', build, ...s3Args(), '--release', 'r2', '--scan-cache', scanCache],
          localEnv,
        )
      ).code,
    ).toBe(0);
    const update = await sgk(['patch', 'status', game, '--cdn', cdn()]);
    expect(update.stdout).toContain(
      'An update is available: r1 → r2. Also, 1 installed file was changed or deleted',
    );

    const listed = await sgk(['patch', 'releases', ...s3Args(), '--json'], localEnv);
    const listing = JSON.parse(listed.stdout) as {
      releases: Array<{
        release: string;
        sequence: number;
        files: number;
        current: boolean;
        createdAt: string;
      }>;
      pointer: { release: string; sequence: number };
    };
    expect(listing.releases.map((r) => [r.release, r.sequence, r.files, r.current])).toEqual([
      ['r1', 1, 2, false],
      ['r2', 2, 2, true],
    ]);
    expect(listing.pointer).toMatchObject({ release: 'r2', sequence: 2 });
    expect(Number.isNaN(Date.parse(listing.releases[0]?.createdAt ?? ''))).toBe(false);

    expect((await sgk(['patch', 'rollback', 'r1', ...s3Args()], localEnv)).code).toBe(0);
    const table = await sgk(['patch', 'releases', ...s3Args()], localEnv);
    expect(table.stdout).toMatch(/│ r1\s+│ 1\s+│ .*← version\.json \(sequence 3\)/);
    expect(table.stdout).toContain('version.json points at r1 (sequence 3');
  });

  it('releases says so when nothing is published', async () => {
    const { code, stdout } = await sgk(
      ['patch', 'releases', '--bucket', bucket, '--prefix', 'empty', '--endpoint', stack.endpoints.s3],
      localEnv,
    );
    expect(code).toBe(0);
    expect(stdout).toContain(`Nothing is published under s3://${bucket}/empty.`);
  });
});
