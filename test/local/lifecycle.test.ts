import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startDynamoDbLocal } from '../../src/local/dynamodb-local.js';
import { LocalServiceError } from '../../src/local/errors.js';
import { findJava, parseJavaMajor } from '../../src/local/java.js';
import { startS3Local } from '../../src/local/s3-local.js';
import { boundedWaits } from '../support/waits.js';

const here = dirname(fileURLToPath(import.meta.url));

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Polls (bounded) only for the orphaned JVM: it is not this process's child (its parent was SIGKILLed), so no
 * exit or close event reaches this process; polling the port and the pid is the only way to see it go.
 */
const { eventually } = boundedWaits(15_000, 100);

describe('local service lifecycle', () => {
  it('closes the DynamoDB Local port when stopped', async () => {
    const dynamo = await startDynamoDbLocal();
    expect(await portIsOpen(dynamo.port)).toBe(true);
    await dynamo.stop();
    expect(await portIsOpen(dynamo.port)).toBe(false);
    await dynamo.stop();
  });

  it('closes the S3 server port and removes its temporary folder when stopped', async () => {
    const s3 = await startS3Local({ buckets: ['lifecycle'] });
    expect(await portIsOpen(s3.port)).toBe(true);
    await s3.stop();
    expect(await portIsOpen(s3.port)).toBe(false);
    const { existsSync } = await import('node:fs');
    expect(existsSync(s3.directory)).toBe(false);
  });

  it('kills DynamoDB Local when the process that started it is SIGKILLed', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures', 'start-dynamodb.ts')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const started = await new Promise<{ port: number; jvmPid: number }>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
        if (line) resolve(JSON.parse(line) as { port: number; jvmPid: number });
      });
      child.once('exit', (code) => reject(new Error(`fixture exited early with ${code}`)));
    });
    expect(await portIsOpen(started.port)).toBe(true);
    child.kill('SIGKILL');
    expect(await eventually(async () => !(await portIsOpen(started.port)), 15_000)).toBe(true);
    expect(await eventually(() => !processIsAlive(started.jvmPid), 15_000)).toBe(true);
  });

  it('explains how to install Java when none is found', () => {
    expect(() => findJava('/nonexistent/bin/java')).toThrow(LocalServiceError);
    expect(() => findJava('/nonexistent/bin/java')).toThrow(/apt-get install -y openjdk-17-jre-headless/);
  });

  it('reads both old and new Java version formats', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajor('nonsense')).toBeUndefined();
  });

  it('fails with a typed error naming the missing compiler when Java has no jdk.compiler module', async () => {
    // A Java whose --limit-modules hides jdk.compiler, as a JRE build without it. The JVM exits at once, but the
    // supervisor only ends with this process's pipe, so the start ends on its (short) timeout with the output.
    const folder = mkdtempSync(join(tmpdir(), 'sgk-jre-'));
    const javaPath = join(folder, 'java');
    writeFileSync(javaPath, `#!/bin/sh\nexec java --limit-modules java.se,jdk.unsupported "$@"\n`, {
      mode: 0o755,
    });
    // A fresh temporary folder, so no launcher compiled earlier by a full JDK is found in the cache.
    const savedTmpdir = process.env.TMPDIR;
    process.env.TMPDIR = folder;
    const started = startDynamoDbLocal({ javaPath, startTimeoutMs: 5_000 }).finally(() => {
      if (savedTmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmpdir;
    });
    await expect(started).rejects.toMatchObject({
      code: 'JAVA_NOT_FOUND',
      message: expect.stringMatching(/no Java compiler \(module jdk\.compiler\).*install a JDK/s),
    });
    rmSync(folder, { recursive: true, force: true });
  });

  it('fails with a typed error when the jar path does not exist', async () => {
    await expect(startDynamoDbLocal({ jarPath: '/nonexistent/DynamoDBLocal.jar' })).rejects.toMatchObject({
      code: 'DYNAMODB_LOCAL_JAR_NOT_FOUND',
    });
  });
});
