/**
 * Builds the browser demo with Vite's `build()` API, once per version of its sources: the output lands in
 * `examples/web/dist/<hash of the sources>/` and is reused while nothing it depends on has changed (the page,
 * the client modules it imports, Vite's version). Runs started at the same time (parallel test files) build
 * into private folders and keep whichever finished first.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, version as viteVersion } from 'vite';
import { webDemoViteConfig } from './vite.config.js';

const webRoot = fileURLToPath(new URL('./', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Source folders whose files decide the build (the page, and the kit modules a client subpath can reach). */
const SOURCE_FOLDERS = [
  webRoot,
  ...['auth', 'scores', 'quiz', 'hangul', 'core'].map((name) => join(repoRoot, 'src', name)),
];
/** Not part of the page: its output and its tests. */
const SKIPPED = new Set(['dist', 'test', 'node_modules']);

/** A built demo page. */
export interface WebDemoBuild {
  /** Absolute path of the folder holding `index.html`, `assets/…`. */
  dir: string;
  /** Paths relative to `dir`, POSIX separators, sorted. */
  files: string[];
  /** True when an earlier build of the same sources was reused. */
  cached: boolean;
}

/** Options of {@link buildWebDemo}. */
export interface BuildWebDemoOptions {
  /** Build even when a build of the same sources exists. */
  force?: boolean;
  /** Parent folder of the per-hash builds; default `examples/web/dist`. */
  cacheDir?: string;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter(
      (path) =>
        !relative(dir, path)
          .split(sep)
          .some((segment) => SKIPPED.has(segment)),
    )
    .sort();
}

/**
 * A hash of everything the page's bundle is made of.
 *
 * @returns 16 hex characters.
 * @example
 * ```ts
 * const hash = await webDemoSourceHash(); // 'c0ffee…'
 * ```
 */
export async function webDemoSourceHash(): Promise<string> {
  const hash = createHash('sha256').update(`vite ${viteVersion}\n`);
  for (const folder of SOURCE_FOLDERS) {
    for (const file of await listFiles(folder)) {
      hash.update(`${relative(repoRoot, file)}\n`).update(await readFile(file));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function describeBuild(dir: string, cached: boolean): Promise<WebDemoBuild> {
  const files = (await listFiles(dir)).map((file) => relative(dir, file).split(sep).join('/'));
  return { dir, files, cached };
}

/**
 * Builds the demo page (or reuses the build of the same sources).
 *
 * @returns Where the page is and which files it has.
 * @throws whatever Vite throws when the page does not build (e.g. a non-client `serverless-game-kit/…` import).
 * @example
 * ```ts
 * import { buildWebDemo } from './build.js';
 *
 * const { dir, files } = await buildWebDemo();
 * ```
 */
export async function buildWebDemo(options: BuildWebDemoOptions = {}): Promise<WebDemoBuild> {
  const cacheDir = options.cacheDir ?? join(webRoot, 'dist');
  const hash = await webDemoSourceHash();
  const finalDir = join(cacheDir, hash);
  if (!options.force && (await exists(join(finalDir, 'index.html')))) return describeBuild(finalDir, true);

  await mkdir(cacheDir, { recursive: true });
  const workDir = join(cacheDir, `.building-${process.pid}-${Date.now().toString(36)}`);
  try {
    await build(webDemoViteConfig(workDir));
    if (options.force) await rm(finalDir, { recursive: true, force: true });
    await rename(workDir, finalDir).catch(async (error: NodeJS.ErrnoException) => {
      // Another run finished the same build first: keep its output.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  await pruneOtherBuilds(cacheDir, hash);
  return describeBuild(finalDir, false);
}

/** Removes builds of older sources (best effort; the folders are only a cache). */
async function pruneOtherBuilds(cacheDir: string, keep: string): Promise<void> {
  const entries = await readdir(cacheDir, { withFileTypes: true }).catch(() => []);
  await Promise.all(
    entries
      .filter((entry) => entry.isDirectory() && /^[0-9a-f]{16}$/.test(entry.name) && entry.name !== keep)
      .map((entry) =>
        rm(join(cacheDir, entry.name), { recursive: true, force: true }).catch(() => undefined),
      ),
  );
}
