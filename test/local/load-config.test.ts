import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadLocalStackConfig } from '../../src/local/stack/load-config.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('loadLocalStackConfig', () => {
  it('loads the default export of a TypeScript module', async () => {
    const config = await loadLocalStackConfig(join(here, 'fixtures', 'stack-config.ts'));
    expect(config.buckets).toEqual(['from-config']);
    expect(typeof config.functions).toBe('function');
  });

  it('calls an exported function to get the config', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'sgk-config-'));
    const file = join(folder, 'stack.mjs');
    await writeFile(file, "export default async () => ({ buckets: ['made-by-function'] });\n");
    expect((await loadLocalStackConfig(file)).buckets).toEqual(['made-by-function']);
  });

  it('explains what a config module must export', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'sgk-config-'));
    const file = join(folder, 'empty.mjs');
    await writeFile(file, 'export const nothing = 1;\n');
    await expect(loadLocalStackConfig(file)).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });

  it('reports a missing file as invalid options', async () => {
    await expect(loadLocalStackConfig('/nonexistent/stack.mjs')).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
  });
});
