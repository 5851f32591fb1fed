import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sgk(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args], {
    cwd: root,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    timeout: 60_000,
  });
}

describe('sgk', () => {
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
