import { type Metafile, build } from 'esbuild';

/** What {@link bundleEntry} produced: the output code and the files and imports that went into it. */
export interface EntryBundle {
  code: string;
  /** Source files in the bundle, relative to the repository (`src/quiz/client.ts`, `node_modules/…`). */
  inputs: string[];
  /** Every import specifier the bundled files used. */
  imports: string[];
  metafile: Metafile;
}

/**
 * Bundles one entry the way an app bundler would — for the browser by default — so tests can assert what a
 * subpath pulls in (no AWS SDK, no Node built-ins, no server code).
 */
export async function bundleEntry(
  entry: string,
  options: { platform?: 'browser' | 'node'; minify?: boolean; external?: string[] } = {},
): Promise<EntryBundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: options.platform ?? 'browser',
    format: 'esm',
    minify: options.minify ?? false,
    external: options.external ?? [],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  if (result.errors.length > 0)
    throw new Error(`esbuild failed on ${entry}: ${JSON.stringify(result.errors)}`);
  return {
    code: result.outputFiles[0]!.text,
    inputs: Object.keys(result.metafile.inputs),
    imports: Object.values(result.metafile.inputs).flatMap((input) =>
      input.imports.map((entry) => entry.path),
    ),
    metafile: result.metafile,
  };
}
