import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalStack, startLocalStack } from '../../src/local/stack/start-local-stack.js';

/** A listening TCP socket read from `/proc/net/tcp` or `/proc/net/tcp6`. */
interface Listener {
  address: string;
  port: number;
  inode: string;
}

const LISTEN = '0A';
const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** `/proc/net/tcp` writes each 32-bit word of an address in host (little-endian) byte order. */
function decodeAddress(hex: string): string {
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) => [...Buffer.from(word, 'hex').reverse()]);
  if (bytes.length === 4) return bytes.join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0));
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (mapped) return `::ffff:${bytes.slice(12).join('.')}`;
  if (groups.slice(0, 7).every((group) => group === 0) && groups[7] === 1) return '::1';
  return groups.map((group) => group.toString(16)).join(':');
}

function listeners(): Listener[] {
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((table) =>
    readFileSync(table, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === LISTEN)
      .map((fields) => {
        const [address = '', port = ''] = (fields[1] ?? '').split(':');
        return { address: decodeAddress(address), port: parseInt(port, 16), inode: fields[9] ?? '' };
      }),
  );
}

/** This process and all its descendants (the supervisor shells and their JVMs). */
function processTree(root: number): number[] {
  const children = readdirSync(`/proc/${root}/task`).flatMap((task) =>
    readFileSync(`/proc/${root}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
  return [root, ...children.flatMap(processTree)];
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // The descriptor closed while we listed them.
    }
  }
  return inodes;
}

/** Every listening TCP socket owned by a process of the tree, with its owner. */
function ownedListeners(): Array<Listener & { pid: number }> {
  const all = listeners();
  return processTree(process.pid).flatMap((pid) => {
    const inodes = socketInodes(pid);
    return all.filter((listener) => inodes.has(listener.inode)).map((listener) => ({ ...listener, pid }));
  });
}

const portOf = (url: string): number => Number(new URL(url).port);

describe.skipIf(!existsSync('/proc/net/tcp'))('startLocalStack listening sockets', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    // The stack must start its own DynamoDB Local and S3 server, not reuse the test run's.
    vi.stubEnv('SGK_LOCAL_DYNAMODB_ENDPOINT', '');
    vi.stubEnv('SGK_LOCAL_S3_ENDPOINT', '');
    stack = await startLocalStack({
      buckets: ['loopback-cdn'],
      http: { cdn: { bucket: 'loopback-cdn' } },
      websocket: { stage: 'test' },
      identity: { kakao: true, cognito: true },
      functions: () => ({ http: { 'GET /ping': () => 'pong' } }),
      log: () => undefined,
    });
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await stack?.stop();
  });

  it('runs every service it names: HTTP and WebSocket gateways, S3, CDN, Kakao, Cognito, DynamoDB Local', () => {
    const { dynamodb, s3, http, websocket, connections, cdn, kakao, cognito } = stack.endpoints;
    const endpoints = { dynamodb, s3, http, websocket, connections, cdn, kakao, cognito };

    const hosts = Object.fromEntries(
      Object.entries(endpoints).map(([name, url]) => [
        name,
        url === undefined ? 'missing' : new URL(url).hostname,
      ]),
    );

    expect(hosts).toEqual(Object.fromEntries(Object.keys(endpoints).map((name) => [name, '127.0.0.1'])));
  });

  it('binds every listening socket of the stack and its JVM to loopback only', () => {
    const owned = ownedListeners();
    const { dynamodb, s3, http, websocket, connections, cdn, kakao, cognito } = stack.endpoints;
    const expectedPorts = [dynamodb, s3, http, websocket, connections, cdn, kakao, cognito].map((url) =>
      portOf(url ?? ''),
    );
    expect(owned.map((listener) => listener.port)).toEqual(expect.arrayContaining(expectedPorts));
    const dynamoDbListener = owned.find((listener) => listener.port === portOf(dynamodb));
    expect(dynamoDbListener?.pid, 'DynamoDB Local listens from its own JVM').not.toBe(process.pid);
    const exposed = owned.filter((listener) => !LOOPBACK_ADDRESSES.has(listener.address));
    expect(exposed).toEqual([]);
  });
});
