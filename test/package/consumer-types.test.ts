import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };

/**
 * Builds and packs the package as `npm publish` would, installs the tarball into a temporary consumer project
 * (from the npm cache where it can, else the npm registry), and type-checks a file that uses every export of every subpath — every
 * class and handler factory by type — with `skipLibCheck: false`, as three kinds of consumer compile it: Node16
 * ES modules, Node16 CommonJS, and a bundler. Each must compile with no error at all.
 */

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

// `cdk` is left out: its declarations pull in aws-cdk-lib's (hundreds of MB to install and check with
// skipLibCheck: false); test/cdk and examples/deploy type-check it against the sources.
const SUBPATHS = Object.keys(packageJson.exports)
  .filter((key) => key !== './package.json' && key !== './cdk')
  .map((key) => key.slice(2));

const CONSUMERS = {
  'node16 ES module': { file: 'consumer.mts', module: 'node16', moduleResolution: 'node16' },
  'node16 CommonJS': { file: 'consumer.cts', module: 'node16', moduleResolution: 'node16' },
  bundler: { file: 'consumer.ts', module: 'esnext', moduleResolution: 'bundler' },
} as const;

let workDir: string;
let consumerDir: string;

async function installedVersion(name: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** Copies what the build reads into a temporary directory, so the check never touches this checkout's dist/. */
async function buildAndPack(): Promise<string> {
  const packageDir = join(workDir, 'package');
  await mkdir(packageDir);
  for (const entry of [
    'src',
    'package.json',
    'tsup.config.ts',
    'tsconfig.json',
    'README.md',
    'CHANGELOG.md',
    'LICENSE',
  ]) {
    await cp(join(root, entry), join(packageDir, entry), { recursive: true });
  }
  await symlink(join(root, 'node_modules'), join(packageDir, 'node_modules'), 'dir');
  await run(process.execPath, [join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js')], {
    cwd: packageDir,
    maxBuffer: 64 * 1024 * 1024,
  });
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', workDir], { cwd: packageDir });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
  return join(workDir, packed!.filename);
}

/** One `export type` per public value, so the compiler resolves and checks the declarations of each. */
async function consumerSource(): Promise<string> {
  const lines: string[] = [];
  for (const [index, subpath] of SUBPATHS.entries()) {
    const alias = `m${index}`;
    lines.push(`import * as ${alias} from 'serverless-game-kit/${subpath}';`);
    const moduleUrl = pathToFileURL(
      join(
        consumerDir,
        'node_modules',
        'serverless-game-kit',
        'dist',
        `${subpath.includes('/') ? subpath : `${subpath}/index`}.js`,
      ),
    );
    const exported = (await import(moduleUrl.href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exported)) {
      const id = `${alias}_${name}`;
      lines.push(`export type ${id} = typeof ${alias}.${name};`);
      if (typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value))) {
        // `prototype`, not InstanceType: it also works for classes with a private constructor.
        lines.push(`export type ${id}_instance = (typeof ${alias}.${name})['prototype'];`);
      } else if (typeof value === 'function' && /^create\w*Handler$/.test(name)) {
        lines.push(`export type ${id}_options = Parameters<typeof ${alias}.${name}>;`);
        lines.push(`export type ${id}_handler = ReturnType<typeof ${alias}.${name}>;`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'sgk-consumer-types-'));
  const tarball = await buildAndPack();
  consumerDir = join(workDir, 'consumer');
  await mkdir(consumerDir);
  await writeFile(join(consumerDir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  // The consumer installs the optional peers itself, at the versions this repository tests, from the cache.
  const peers = Object.keys(packageJson.peerDependencies).filter((name) => name.startsWith('@aws-sdk/'));
  const extras = await Promise.all(
    [...peers, '@types/node'].map(async (name) => `${name}@${await installedVersion(name)}`),
  );
  await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball, ...extras],
    {
      cwd: consumerDir,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const source = await consumerSource();
  for (const { file } of Object.values(CONSUMERS)) await writeFile(join(consumerDir, file), source);
}, 900_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('the packed package, type-checked by a consumer with skipLibCheck: false', () => {
  it('lists every subpath of package.json in the consumer file', async () => {
    const names = await readdir(join(consumerDir, 'node_modules', 'serverless-game-kit', 'dist'));
    expect(names).toEqual(
      expect.arrayContaining(['hangul', 'auth', 'scores', 'quiz', 'patch', 'local', 'cli.js']),
    );
    expect(SUBPATHS.length).toBeGreaterThanOrEqual(9);
  });

  it.each(Object.entries(CONSUMERS))('compiles for a %s consumer', async (_kind, consumer) => {
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023', 'DOM', 'DOM.Iterable'],
        module: consumer.module,
        moduleResolution: consumer.moduleResolution,
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        types: ['node'],
      },
      files: [consumer.file],
    };
    const project = join(consumerDir, `tsconfig.${consumer.file}.json`);
    await writeFile(project, JSON.stringify(tsconfig));
    const result = await run(process.execPath, [tsc, '-p', project, '--pretty', 'false'], {
      cwd: consumerDir,
      maxBuffer: 16 * 1024 * 1024,
    }).then(
      () => '',
      (error: Error & { stdout?: string }) => error.stdout || error.message,
    );
    expect(result).toBe('');
  });
});
