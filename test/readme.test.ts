import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every `<!-- example: path -->` block of the README, with the code that follows it. */
async function readmeExamples(): Promise<Array<{ file: string; code: string }>> {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const pattern = /<!-- example: (\S+) -->\n```ts\n([\s\S]*?)\n```/g;
  return [...readme.matchAll(pattern)].map((match) => ({ file: match[1]!, code: match[2]! }));
}

describe('the README examples', async () => {
  const examples = await readmeExamples();

  it('show one example per module', () => {
    expect(examples.map((example) => example.file).sort()).toEqual([
      'examples/readme/auth.ts',
      'examples/readme/hangul.ts',
      'examples/readme/patch.ts',
      'examples/readme/quiz.ts',
      'examples/readme/scores.ts',
    ]);
  });

  it.each(examples)('show $file exactly as it is in the repository', async ({ file, code }) => {
    expect(code).toBe((await readFile(join(root, file), 'utf8')).trimEnd());
  });

  it.each(examples)(
    'run $file against the local stack',
    async ({ file }) => {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', join(root, file)], {
        cwd: root,
        timeout: 90_000,
        env: {
          ...process.env,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          SGK_LOCAL_DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
          SGK_LOCAL_S3_ENDPOINT: inject('s3Endpoint'),
        },
      });
      expect(stdout.length).toBeGreaterThan(0);
    },
    120_000,
  );
});
