import { join } from 'node:path';
import { build } from 'esbuild';
import { GAME_HANDLERS } from './handler-entries.js';

/** What {@link buildHandlerBundles} wrote: bytes of each function's `index.mjs`. */
export type HandlerBundleSizes = Record<string, number>;

/**
 * Bundles every handler entry for the Lambda runtime: one minified ES module per function for Node.js 24, with a
 * source map and no `@aws-sdk/*` (the runtime ships the AWS SDK v3). Each entry imports one module's handler
 * factory, so each bundle holds only that module. Build-time only (esbuild is a dev dependency); `npm run build`
 * runs it and the tests run it into a temporary directory.
 *
 * @param outDir - Directory to write `<bundle>/index.mjs` (and `.map`) into, e.g. `dist/lambda`.
 * @param root - Repository root the entry paths are relative to; default the working directory.
 * @returns The size of each bundle in bytes.
 * @example
 * ```ts
 * await buildHandlerBundles('dist/lambda');
 * ```
 */
export async function buildHandlerBundles(outDir: string, root = process.cwd()): Promise<HandlerBundleSizes> {
  const sizes: HandlerBundleSizes = {};
  await Promise.all(
    Object.values(GAME_HANDLERS).map(async ({ bundle, entry }) => {
      const result = await build({
        entryPoints: [join(root, entry)],
        outfile: join(outDir, bundle, 'index.mjs'),
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node24',
        mainFields: ['module', 'main'],
        external: ['@aws-sdk/*'],
        minify: true,
        sourcemap: true,
        sourcesContent: false,
        legalComments: 'none',
        metafile: true,
        logLevel: 'warning',
        // An ES module has no `require`; a CommonJS dependency that requires a Node built-in needs one.
        banner: {
          js: "import { createRequire as __sgkCreateRequire } from 'node:module'; const require = __sgkCreateRequire(import.meta.url);",
        },
      });
      const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('index.mjs'));
      sizes[bundle] = output?.[1].bytes ?? 0;
    }),
  );
  return sizes;
}
