import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GAME_HANDLERS, type GameFunctionName, HANDLER_FILE } from './handler-entries.js';

const PACKAGE_NAME = 'serverless-game-kit';

/**
 * The directory of the handler bundles shipped in the package: `<package>/dist/lambda`.
 *
 * @returns Its absolute path (found by walking up from this module to the package's `package.json`).
 * @throws {Error} when the package root cannot be found.
 * @example
 * ```ts
 * import { defaultHandlerBundleDirectory } from 'serverless-game-kit/cdk';
 *
 * console.log(defaultHandlerBundleDirectory()); // …/node_modules/serverless-game-kit/dist/lambda
 * ```
 */
export function defaultHandlerBundleDirectory(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest) && packageName(manifest) === PACKAGE_NAME)
      return join(directory, 'dist', 'lambda');
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`Cannot find the ${PACKAGE_NAME} package root.`);
    directory = parent;
  }
}

function packageName(manifest: string): unknown {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
}

/**
 * The directory holding one function's prebuilt bundle (`index.mjs`, exporting `handler`).
 *
 * @param name - The function.
 * @param bundleDirectory - Where the bundles are; default {@link defaultHandlerBundleDirectory}.
 * @returns The absolute directory to deploy as the function's code.
 * @throws {Error} when the bundle is missing (a checkout that was not built).
 * @example
 * ```ts
 * const code = Code.fromAsset(handlerBundlePath('submitScore'));
 * ```
 */
export function handlerBundlePath(name: GameFunctionName, bundleDirectory?: string): string {
  const directory = join(bundleDirectory ?? defaultHandlerBundleDirectory(), GAME_HANDLERS[name].bundle);
  if (!existsSync(join(directory, HANDLER_FILE))) {
    throw new Error(
      `The ${name} handler bundle is missing (${join(directory, HANDLER_FILE)}). In a checkout of ` +
        `${PACKAGE_NAME}, run "npm run build"; an installed package ships it.`,
    );
  }
  return directory;
}
