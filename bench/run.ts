/**
 * Runs the benchmarks: `npm run bench` runs every module, `npm run bench -- hangul patch` runs those only.
 * Each `bench/<module>/index.ts` exports `run()`, which measures ours and a baseline in the same process
 * and prints their ratio. Benchmarks never run in the test suite.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((name) => statSync(join(here, name)).isDirectory() && !name.startsWith('.') && name !== 'support')
  .sort();
const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${available.join(', ')}`);
  process.exit(2);
}

for (const name of wanted.length > 0 ? wanted : available) {
  const module = (await import(pathToFileURL(join(here, name, 'index.ts')).href)) as {
    run: () => Promise<void>;
  };
  console.log(`\n=== bench/${name} ===`);
  await module.run();
}
