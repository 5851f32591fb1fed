/**
 * Runs one `PatchUpdater.update()` in its own process and prints `{"maxRssMiB":…,"bytesFetched":…}`, so the
 * benchmark measures the updater's peak memory alone:
 *
 *   node --import tsx bench/patch/update-child.ts <cdnUrl> <prefix> <installDir>
 */
import { PatchUpdater } from '../../src/patch/index.js';

const [cdnUrl, prefix, installDir] = process.argv.slice(2);
if (!cdnUrl || prefix === undefined || !installDir) {
  console.error('usage: update-child.ts <cdnUrl> <prefix> <installDir>');
  process.exit(2);
}
const result = await new PatchUpdater({ cdnUrl, prefix, installDir }).update();
process.stdout.write(
  `${JSON.stringify({ maxRssMiB: process.resourceUsage().maxRSS / 1024, bytesFetched: result.bytesFetched })}\n`,
);
