import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalServiceError } from '../errors.js';
import type { LocalStackConfig } from './types.js';

/**
 * Loads a local stack config from a JavaScript or TypeScript module whose default export (or `config` export)
 * is a {@link LocalStackConfig} or a function returning one. TypeScript files need a loader: Node 22.6+ strips
 * types itself; on Node 20 `tsx` is used when installed.
 *
 * @throws {LocalServiceError} `INVALID_OPTIONS` when the file cannot be loaded or exports no config.
 * @example
 * ```ts
 * const config = await loadLocalStackConfig('sgk.local.ts');
 * ```
 */
export async function loadLocalStackConfig(path: string): Promise<LocalStackConfig> {
  const absolute = isAbsolute(path) ? path : resolve(process.cwd(), path);
  const url = pathToFileURL(absolute).href;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if (!/\.[cm]?ts$/.test(absolute) || (error as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw new LocalServiceError('INVALID_OPTIONS', `Could not load ${path}: ${String(error)}`, {
        cause: error,
      });
    }
    module = await importWithTsx(url, path);
  }
  const exported = module.default ?? module.config;
  const config = typeof exported === 'function' ? await (exported as () => unknown)() : exported;
  if (typeof config !== 'object' || config === null) {
    throw new LocalServiceError(
      'INVALID_OPTIONS',
      `${path} must export a local stack config (export default { tables, buckets, functions, … }).`,
    );
  }
  return config;
}

async function importWithTsx(url: string, path: string): Promise<Record<string, unknown>> {
  try {
    const tsx = (await import('tsx/esm/api')) as {
      tsImport: (specifier: string, parent: string) => Promise<unknown>;
    };
    return (await tsx.tsImport(url, import.meta.url)) as Record<string, unknown>;
  } catch (error) {
    throw new LocalServiceError(
      'INVALID_OPTIONS',
      `Could not load the TypeScript config ${path}: install tsx (npm install --save-dev tsx) or use Node 22.6+, or write the config in JavaScript.`,
      { cause: error },
    );
  }
}
