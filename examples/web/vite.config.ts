/**
 * Vite settings of the browser demo. The page imports the kit by its public client subpaths
 * (`serverless-game-kit/auth`, `/scores`, `/quiz`, `/hangul`); here they resolve to the sources, so the demo
 * builds from a fresh clone without `npm run build`. Any other `serverless-game-kit/…` import (a Lambda or Node
 * subpath) fails the build: the page must stay browser-safe.
 *
 * `npx vite build examples/web` uses this file (into `examples/web/dist/`); `npm run local` and the tests build
 * through `examples/web/build.ts`, which caches the output per version of the sources.
 */
import { fileURLToPath } from 'node:url';
import { type InlineConfig, type Plugin, defineConfig } from 'vite';

/** The kit's subpaths a browser page may import. */
export const CLIENT_SUBPATHS = ['auth', 'scores', 'quiz', 'hangul'] as const;

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const webRoot = fileURLToPath(new URL('./', import.meta.url));

/** Fails the build on `serverless-game-kit/<anything but a client subpath>`. */
function clientSubpathsOnly(): Plugin {
  return {
    name: 'serverless-game-kit:client-subpaths-only',
    enforce: 'pre',
    resolveId(source) {
      if (source === 'serverless-game-kit' || source.startsWith('serverless-game-kit/')) {
        this.error(
          `${source} is not a browser subpath of serverless-game-kit; the page may import only ${CLIENT_SUBPATHS.map((name) => `serverless-game-kit/${name}`).join(', ')}.`,
        );
      }
      return null;
    },
  };
}

/**
 * The demo's Vite configuration.
 *
 * @param outDir - Where `vite build` writes the page; default `examples/web/dist`.
 * @returns An inline config for Vite's `build()` (no config file is read).
 * @example
 * ```ts
 * import { build } from 'vite';
 * import { webDemoViteConfig } from './vite.config.js';
 *
 * await build(webDemoViteConfig('/tmp/web-demo'));
 * ```
 */
export function webDemoViteConfig(outDir = `${webRoot}dist`): InlineConfig {
  return {
    configFile: false,
    root: webRoot,
    // Relative asset URLs: the page works wherever it is hosted (the local CDN route, S3, CloudFront).
    base: './',
    logLevel: 'warn',
    clearScreen: false,
    resolve: {
      alias: CLIENT_SUBPATHS.map((name) => ({
        find: new RegExp(`^serverless-game-kit/${name}$`),
        replacement: `${repoRoot}src/${name}/index.ts`,
      })),
    },
    plugins: [clientSubpathsOnly()],
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      reportCompressedSize: false,
      chunkSizeWarningLimit: 400,
      rollupOptions: {
        onwarn(warning, warn) {
          // zod's sources carry comments Rollup cannot place (harmless, and not ours to fix).
          if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
          warn(warning);
        },
      },
    },
  };
}

export default defineConfig(webDemoViteConfig());
