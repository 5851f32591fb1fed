/**
 * The patch part of the demo: the build machine publishes `sample-patch/` to the CDN bucket with
 * `PatchPublisher`, and the game installs it with `sgk patch status` and `sgk patch pull` — the real commands,
 * run in this process.
 */
import { Command } from 'commander';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerPatchCommand } from '../../src/cli/commands/patch.js';
import { LOCAL_GAME } from '../../src/local/game-stack.js';
import type { LocalStack } from '../../src/local/stack/start-local-stack.js';
import { PatchPublisher, type PublishResult } from '../../src/patch/index.js';
import type { Terminal } from './terminal.js';

/** The example game files the demo publishes as a patch (`examples/local/sample-patch/`). */
export const SAMPLE_PATCH_DIR = fileURLToPath(new URL('./sample-patch/', import.meta.url));

/** A file of an install folder. */
export interface InstalledFile {
  path: string;
  size: number;
}

/**
 * Publishes `sample-patch/` as a release under `s3://game-cdn/patch/`.
 *
 * @example
 * ```ts
 * const result = await publishSamplePatch(stack, terminal);
 * ```
 */
export async function publishSamplePatch(stack: LocalStack, terminal: Terminal): Promise<PublishResult> {
  const publisher = new PatchPublisher({
    s3Client: stack.clients.s3,
    bucket: LOCAL_GAME.cdnBucket,
    prefix: LOCAL_GAME.patchPrefix,
    // That folder is part of the repository: keep the publisher's stat cache out of it.
    scan: { statCachePath: false },
  });
  await publisher.scan(SAMPLE_PATCH_DIR);
  const result = await publisher.publish();
  terminal.note(
    `PatchPublisher uploaded ${relative(process.cwd(), SAMPLE_PATCH_DIR) || SAMPLE_PATCH_DIR} as a release: new content`,
  );
  terminal.note('as content-addressed blobs, then the release manifest, then the version.json pointer.');
  terminal.table(
    ['release', 'files', 'uploaded', 'pointer'],
    [
      [
        result.release,
        Object.keys(result.manifest.files).length,
        `${result.uploadedFiles} objects, ${result.uploadedBytes} B`,
        `s3://${LOCAL_GAME.cdnBucket}/${result.pointerKey}`,
      ],
    ],
  );
  return result;
}

/** Files of an install folder, without the updater's own `.sgk-patch/` state. */
export async function listInstalledFiles(dir: string): Promise<InstalledFile[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files: InstalledFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const path = relative(dir, full).split(sep).join('/');
    if (path.startsWith('.sgk-patch/')) continue;
    files.push({ path, size: (await stat(full)).size });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** Options of {@link pullPatch}. */
export interface PullPatchOptions {
  stack: LocalStack;
  terminal: Terminal;
  /** The game's install folder. */
  installDir: string;
  /** Where `sgk patch pull` draws its progress bar (only when it is a TTY); default `process.stderr`. */
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * Runs `sgk patch status` and `sgk patch pull` against the local CDN route.
 *
 * @returns The installed files.
 * @example
 * ```ts
 * const files = await pullPatch({ stack, terminal, installDir: '/tmp/game' });
 * ```
 */
export async function pullPatch(options: PullPatchOptions): Promise<InstalledFile[]> {
  const { stack, terminal, installDir } = options;
  const cdn = stack.endpoints.cdn;
  if (!cdn) throw new Error('The stack has no CDN route.');
  const sgk = (args: string[]): Promise<Command> => {
    terminal.line(`$ sgk ${args.join(' ')}`);
    const program = new Command('sgk').exitOverride();
    registerPatchCommand(program, {
      stdout: { write: (text: string) => terminal.write(text) },
      stderr: options.progress ?? process.stderr,
    });
    return program.parseAsync(args, { from: 'user' });
  };

  await sgk(['patch', 'status', installDir, '--cdn', cdn, '--prefix', LOCAL_GAME.patchPrefix]);
  terminal.line();
  await sgk(['patch', 'pull', cdn, installDir, '--prefix', LOCAL_GAME.patchPrefix]);
  const files = await listInstalledFiles(installDir);
  terminal.ok(`The game folder holds ${files.length} verified files (SHA-256 checked, applied atomically):`);
  for (const file of files) terminal.line(`    ${file.path}  (${file.size} B)`);
  return files;
}
