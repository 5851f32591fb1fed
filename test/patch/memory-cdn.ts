import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { POINTER_KEY, blobKey, releaseManifestKey, serializeDocument } from '../../src/patch/index.js';
import type { PatchFileSystem } from '../../src/patch/index.js';
import { nodeFileSystem } from '../../src/patch/index.js';
import { STATE_DIR_NAME } from '../../src/patch/paths.js';

const sha = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** A manifest entry as a test writes it: its content, or raw fields for hostile entries. */
export type MemoryEntry = string | { size: number; sha256: string; content?: string };

/**
 * An in-memory CDN for the apply and check layers: releases are published as real pointer, manifest and blob
 * bytes (the same serialisation as the publisher), and `fetch` serves them, so a `PatchUpdater` runs its whole
 * check → stage → journal → apply path without a network. Manifests may be hostile (any paths, sizes, hashes).
 */
export class MemoryCdn {
  readonly objects = new Map<string, Uint8Array>();
  private sequence = 0;
  requests = 0;

  /** Publishes `files` as the next release and points `version.json` at it. */
  publish(files: Record<string, MemoryEntry>): string {
    this.sequence += 1;
    const release = `r${this.sequence}`;
    const manifestFiles: Record<string, { size: number; sha256: string; key: string }> = {};
    for (const [path, entry] of Object.entries(files)) {
      const content = typeof entry === 'string' ? entry : (entry.content ?? '');
      const bytes = new TextEncoder().encode(content);
      const digest = typeof entry === 'string' ? sha(bytes) : entry.sha256;
      const size = typeof entry === 'string' ? bytes.length : entry.size;
      this.objects.set(blobKey(digest), bytes);
      manifestFiles[path] = { size, sha256: digest, key: blobKey(digest) };
    }
    const manifest = {
      formatVersion: 1,
      release,
      sequence: this.sequence,
      createdAt: '2026-11-30T00:00:00.000Z',
      previousRelease: null,
      mode: 'content',
      files: manifestFiles,
    };
    const manifestBytes = new TextEncoder().encode(serializeDocument(manifest));
    this.objects.set(releaseManifestKey(release), manifestBytes);
    const pointer = {
      formatVersion: 1,
      release,
      sequence: this.sequence,
      manifest: { key: releaseManifestKey(release), sha256: sha(manifestBytes), size: manifestBytes.length },
      updatedAt: '2026-11-30T00:00:00.000Z',
    };
    this.objects.set(POINTER_KEY, new TextEncoder().encode(serializeDocument(pointer)));
    return release;
  }

  readonly fetch = async (input: string | URL | Request): Promise<Response> => {
    this.requests += 1;
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const key = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
    const body = this.objects.get(key);
    if (!body) return new Response('not found', { status: 404 });
    return new Response(body.slice(), { status: 200, headers: { 'content-length': String(body.length) } });
  };
}

/** The file system calls a {@link FaultyFileSystem} can fail. */
export type FaultyOperation = 'rename' | 'mkdir' | 'unlink' | 'rmdir' | 'writeFileSynced' | 'copyFile';

/** Which call fails: the `nth` call of `operation` (1-based), with errno `code`; `sticky` fails every later one. */
export interface Fault {
  operation: FaultyOperation;
  nth: number;
  code: 'EACCES' | 'ENOSPC' | 'EBUSY' | 'EPERM' | 'EIO';
  sticky: boolean;
}

/** A {@link PatchFileSystem} that fails chosen calls the way Node does (an Error with `code`). */
export class FaultyFileSystem {
  readonly calls: Record<FaultyOperation, number> = {
    rename: 0,
    mkdir: 0,
    unlink: 0,
    rmdir: 0,
    writeFileSynced: 0,
    copyFile: 0,
  };
  fired = 0;
  enabled = true;
  readonly fs: PatchFileSystem;

  constructor(private readonly fault: Fault | undefined) {
    const wrap =
      <Args extends unknown[]>(operation: FaultyOperation, call: (...args: Args) => Promise<void>) =>
      async (...args: Args): Promise<void> => {
        this.calls[operation] += 1;
        const { fault: planned } = this;
        if (
          this.enabled &&
          planned?.operation === operation &&
          (this.calls[operation] === planned.nth || (planned.sticky && this.calls[operation] > planned.nth))
        ) {
          this.fired += 1;
          throw Object.assign(
            new Error(`${planned.code}: injected ${operation} failure, ${String(args[0])}`),
            {
              code: planned.code,
            },
          );
        }
        await call(...args);
      };
    this.fs = {
      ...nodeFileSystem,
      rename: wrap('rename', nodeFileSystem.rename),
      mkdir: wrap('mkdir', nodeFileSystem.mkdir),
      unlink: wrap('unlink', nodeFileSystem.unlink),
      rmdir: wrap('rmdir', nodeFileSystem.rmdir),
      writeFileSynced: wrap('writeFileSynced', nodeFileSystem.writeFileSynced),
      copyFile: wrap('copyFile', nodeFileSystem.copyFile),
    };
  }
}

/** Path → SHA-256 of every file under `root` (symbolic links as `link:<target>`), leaving out `.sgk-patch`. */
export async function readTree(root: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  const walk = async (relative: string): Promise<void> => {
    for (const name of await readdir(join(root, relative))) {
      const path = relative === '' ? name : `${relative}/${name}`;
      if (path === STATE_DIR_NAME) continue;
      const absolute = join(root, path);
      const info = await lstat(absolute);
      if (info.isSymbolicLink()) result[path] = `link:${await readlink(absolute)}`;
      else if (info.isDirectory()) await walk(path);
      else result[path] = sha(await readFile(absolute));
    }
  };
  await walk('');
  return Object.fromEntries(Object.entries(result).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Path → SHA-256 of a spec of contents. */
export function treeOf(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(files)
      .map(([path, content]) => [path, sha(content)] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}
