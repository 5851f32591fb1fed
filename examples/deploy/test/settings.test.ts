import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { addGameKitStack } from '../lib/app.js';
import { DeploySettingsError, readDeploySettings } from '../lib/settings.js';

const reader = (context: Record<string, unknown>) => (key: string) => context[key];
const settingsError = (context: Record<string, unknown>): DeploySettingsError => {
  try {
    readDeploySettings(reader(context));
  } catch (error) {
    if (error instanceof DeploySettingsError) return error;
    throw error;
  }
  throw new Error('expected a DeploySettingsError');
};

describe('readDeploySettings', () => {
  it('names both required flags when the context is empty', () => {
    const error = settingsError({});

    expect(error.message).toContain('missing -c prefix=<name>');
    expect(error.message).toContain('missing -c kakaoAppIds=<id>');
    expect(error.message).toContain('Usage: npx cdk deploy -c kakaoAppIds=');
  });

  it('refuses a Kakao app id that is not a number', () => {
    const error = settingsError({ prefix: 'mygame', kakaoAppIds: '123,abc' });

    expect(error.message).toContain('kakaoAppIds: "abc" is not a Kakao app id');
  });

  it('refuses a prefix that cannot name tables and a stack', () => {
    const error = settingsError({ prefix: 'My_Game', kakaoAppIds: '123' });

    expect(error.message).toContain('prefix "My_Game" must be 3-24 lower-case letters');
  });

  it('refuses an origin with a path and a wildcard opener origin', () => {
    const error = settingsError({
      prefix: 'mygame',
      kakaoAppIds: '123',
      allowedOrigins: 'https://game.example.com/play',
      kakaoLoginOpenerOrigin: '*',
    });

    expect(error.message).toContain('allowedOrigins: "https://game.example.com/play" is not an origin');
    expect(error.message).toContain('kakaoLoginOpenerOrigin "*" is not an origin');
  });

  it('reads comma-separated flags and cdk.json arrays alike', () => {
    const fromFlags = readDeploySettings(reader({ prefix: 'mygame', kakaoAppIds: '123, 456' }));
    const fromJson = readDeploySettings(reader({ prefix: 'mygame', kakaoAppIds: [123, '456'] }));

    expect(fromFlags.kakaoAppIds).toEqual([123, 456]);
    expect(fromJson.kakaoAppIds).toEqual([123, 456]);
  });

  it('fills in the defaults', () => {
    const settings = readDeploySettings(reader({ prefix: 'mygame', kakaoAppIds: 123 }));

    expect(settings).toMatchObject({
      developerProviderName: 'mygame.auth',
      patchPrefix: 'update',
      allowedOrigins: undefined,
      sandbox: false,
      quizRequireToken: false,
      apiRateLimit: 100,
      apiBurstLimit: 200,
      kakaoLogin: { redirect: 'postMessage' },
    });
  });
});

describe('the CDK app', () => {
  it('builds no stack when the context lacks the Kakao app ids', () => {
    const app = new App({ context: { prefix: 'mygame' } });

    expect(() => addGameKitStack(app)).toThrow(DeploySettingsError);
    expect(app.node.children).toHaveLength(0);
  });

  it('prints the problem and the usage, without a stack trace, and exits with 1', async () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'bin/game-kit.ts'], {
      cwd,
      env: { ...process.env, CDK_CONTEXT_JSON: '{}' },
    });

    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /^Cannot synthesize the serverless-game-kit stack:\n {2}- missing -c prefix/,
      ),
    });
  });
});
