/**
 * `npm run local`'s scenario: run in-process against the test run's DynamoDB Local and S3 server (with score
 * tables of its own), then once end to end as `node --import tsx examples/local/main.ts --no-serve --quiet`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getChoseong } from '../../../src/hangul/getChoseong.js';
import type { LocalStack } from '../../../src/local/stack/start-local-stack.js';
import { uniqueName } from '../../../test/support/aws.js';
import { startDemoStack } from '../demo-stack.js';
import { type ScenarioResult, runScenario } from '../scenario.js';
import { createTerminal } from '../terminal.js';

describe('the local demo scenario', () => {
  let stack: LocalStack;
  let installDir: string;
  let result: ScenarioResult;
  let output: string;

  beforeAll(async () => {
    stack = await startDemoStack({
      services: { dynamodbEndpoint: inject('dynamodbEndpoint'), s3Endpoint: inject('s3Endpoint') },
      tablePrefix: `${uniqueName('demo')}-`,
    });
    installDir = await mkdtemp(join(tmpdir(), 'sgk-demo-test-'));
    const chunks: string[] = [];
    const progress = Object.assign(new PassThrough(), { isTTY: false });
    result = await runScenario({
      stack,
      terminal: createTerminal({ write: (text) => chunks.push(text), isTTY: false, columns: 80 }),
      installDir,
      room: uniqueName('scenario'),
      progress,
    });
    output = chunks.join('');
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    if (installDir) await rm(installDir, { recursive: true, force: true });
  });

  it('prints a numbered section for every step', () => {
    const sections = [...output.matchAll(/^── (\d+\. .+?) ─+$/gm)].map((match) => match[1]);

    expect(sections).toEqual([
      '1. Publish a patch (the build machine)',
      '2. Kakao login (local)',
      '3. AWS credentials',
      '4. Patch the game: sgk patch pull',
      '5. Scores and the leaderboard',
      '6. Score distribution',
      '7. Choseong quiz',
      '8. Final standings',
    ]);
  });

  it('pulls the published sample patch into the game folder with sgk patch pull', async () => {
    const paths = result.installedFiles.map((file) => file.path);

    expect(output).toContain(`$ sgk patch pull ${stack.endpoints.cdn} ${installDir} --prefix patch`);
    expect(output).toContain(`Updated to ${result.release}.`);
    expect(output).toContain('The game folder holds 5 verified files');
    expect(paths).toEqual([
      'game.json',
      'maps/level-1.txt',
      'README.txt',
      'sprites/player.svg',
      'text/대사.txt',
    ]);
    expect(await readFile(join(installDir, 'text/대사.txt'), 'utf8')).toContain('초성 퀴즈 대회');
  });

  it('signs every player in with a Cognito identity', () => {
    for (const player of result.players) {
      expect(output).toMatch(
        new RegExp(
          `│ ${player.name}\\s+│ ${getChoseong(player.name)}\\s+│ ${player.kakaoId}\\s+│ ${player.identityId}`,
        ),
      );
    }
    expect(output).toContain('4 players signed in.');
  });

  it('prints the leaderboard with every player’s best score and shared ranks for ties', () => {
    expect(result.scores.leaderboard.map((entry) => [entry.rank, entry.name, entry.score])).toEqual([
      [1, '서연', 21],
      [2, '준호', 18],
      [2, '민지', 18],
      [4, '하늘', 12],
    ]);
    expect(output).toMatch(/│ 1\s+│ 서연\s+│ 21\s+│/);
    expect(output).toMatch(/│ 4\s+│ 하늘\s+│ 12\s+│/);
  });

  it('prints the distribution of every play as a histogram', () => {
    const histogram = [...output.matchAll(/^\s+(\d+) │(█+) (\d+)$/gm)].map((match) => [
      Number(match[1]),
      Number(match[3]),
    ]);

    expect(histogram).toEqual([
      [7, 1],
      [9, 1],
      [12, 2],
      [14, 2],
      [15, 1],
      [18, 2],
      [21, 1],
    ]);
    expect(output).toContain('10 plays in 7 distinct scores.');
  });

  it('plays a quiz round that the first player wins with a word of the pattern', () => {
    expect(getChoseong(result.quiz.word)).toBe(result.quiz.pattern);
    expect(result.quiz.winner).toBe('민지');
    expect(output).toContain(`준호: 안녕하세요, 민지 님! 같이 해요`);
    expect(output).toContain(`✔ 민지 answered “${result.quiz.word}” for ${result.quiz.pattern}`);
    expect(output).toContain(`the new pattern is  ${result.quiz.nextPattern} — on both screens.`);
  });

  it('prints the final standings with the quiz points', () => {
    const standings = output.slice(output.indexOf('8. Final standings'));

    expect(standings).toMatch(/│ 1\s+│ 서연\s+│ 21\s+│ 0\s+│/);
    expect(standings).toMatch(/│ 2\s+│ 민지\s+│ 18\s+│ 1\s+│/);
    expect(standings).toContain('✔ 서연 tops board "global" with 21; 민지 won the quiz round.');
  });
});

/** Runs `npm run local` as a child process; the timeout is a safety net whose firing the tests report. */
async function runLocal(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; killed: boolean; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/local/main.ts', ...args], {
    env: { ...process.env, CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, 170_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, killed, stdout, stderr };
}

describe('npm run local', () => {
  it('-- --no-serve --quiet runs the whole scenario on its own services and exits with 0', async () => {
    const { code, stdout, stderr } = await runLocal(['--no-serve', '--quiet']);

    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('── 8. Final standings');
    expect(stdout.match(/ in [\d.]+ s\b/g)).toHaveLength(1); // the start-up time, stated once
    expect(stdout).toMatch(/Started in [\d.]+ s: /);
    expect(stdout).toContain('Scenario done; stopping (--no-serve).');
    expect(stdout.trimEnd().endsWith('Stopped.')).toBe(true);
    expect(stdout).not.toContain(' · '); // --quiet: no invocation log lines
    expect(stdout).not.toContain('--quiet` hides them');
    expect(stdout).not.toMatch(/\u001b\[/); // not a terminal: no colour codes
  }, 180_000);

  it('without Java, says how to install it, stops what it started and exits 1', async () => {
    const emptyPath = await mkdtemp(join(tmpdir(), 'sgk-no-java-'));
    try {
      const { code, killed, stderr } = await runLocal(['--no-serve'], {
        PATH: emptyPath,
        JAVA_HOME: '',
        SGK_LOCAL_DYNAMODB_ENDPOINT: '',
        SGK_LOCAL_S3_ENDPOINT: '',
      });
      // Exiting at all proves the S3 server was stopped: a listening server would keep the process alive.
      expect(killed).toBe(false);
      expect(code).toBe(1);
      expect(stderr).toMatch(/^npm run local: No Java runtime found\. .*openjdk.*\[JAVA_NOT_FOUND\]$/m);
    } finally {
      await rm(emptyPath, { recursive: true, force: true });
    }
  }, 180_000);
});
