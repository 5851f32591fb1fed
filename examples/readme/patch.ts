import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from 'serverless-game-kit/local';
import { PatchPublisher, PatchUpdater } from 'serverless-game-kit/patch';

const [build, install] = await Promise.all([
  mkdtemp(join(tmpdir(), 'build-')),
  mkdtemp(join(tmpdir(), 'game-')),
]);
await writeFile(join(build, 'level1.json'), JSON.stringify({ enemies: 3 }));
const stack = await startLocalStack({ buckets: ['game'], http: { cdn: { bucket: 'game' } }, log: () => {} });
const publisher = new PatchPublisher({ s3Client: stack.clients.s3, bucket: 'game', prefix: 'update' });
await publisher.scan(build);
console.log(await publisher.publish()); // uploads what changed, then the manifest, then version.json
const updater = new PatchUpdater({ cdnUrl: stack.endpoints.cdn!, prefix: 'update', installDir: install });
console.log(await updater.update()); // verified, resumable, atomic
await stack.stop();
