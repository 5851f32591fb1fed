/**
 * The demo page is the proof that the client subpaths bundle for browsers: its built files must hold the auth,
 * scores and quiz clients, and no DynamoDB, S3 or Node code at all.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';
import { type WebDemoBuild, buildWebDemo } from '../build.js';
import { webDemoViteConfig } from '../vite.config.js';

/** Strings only server code would contain: SDK package names, clients, commands, Node built-ins. */
const SERVER_ONLY = [
  '@aws-sdk',
  '@smithy/',
  'DynamoDBClient',
  'DynamoDBDocumentClient',
  'client-dynamodb',
  'client-s3',
  'S3Client',
  'PutObjectCommand',
  'TransactWriteItems',
  'ApiGatewayManagementApi',
  '"node:',
  "'node:",
];

describe('the built web demo', () => {
  let page: WebDemoBuild;
  let scripts: string;

  beforeAll(async () => {
    page = await buildWebDemo();
    const jsFiles = page.files.filter((file) => file.endsWith('.js'));
    scripts = (await Promise.all(jsFiles.map((file) => readFile(join(page.dir, file), 'utf8')))).join('\n');
  }, 120_000);

  it('is a page with relative asset URLs, so it works wherever it is hosted', async () => {
    const html = await readFile(join(page.dir, 'index.html'), 'utf8');

    expect(page.files).toContain('index.html');
    expect(html).toMatch(/<script type="module" crossorigin src="\.\/assets\/index-[\w-]+\.js"><\/script>/);
    expect(html).toMatch(/<link rel="stylesheet" crossorigin href="\.\/assets\/index-[\w-]+\.css">/);
  });

  // `includes` rather than `toContain`: a failure should name the string, not print the whole bundle.
  it.each(['GetCredentialsForIdentity', 'execute-api', '/scorehistory', 'action:"sync"'])(
    'holds the client code that uses %s',
    (needle) => {
      expect(scripts.includes(needle), `the bundle lacks ${needle}`).toBe(true);
    },
  );

  it.each(SERVER_ONLY)('contains no %s', (needle) => {
    expect(scripts.includes(needle), `the bundle contains ${needle}`).toBe(false);
  });

  it('is reused while its sources are unchanged', async () => {
    const again = await buildWebDemo();

    expect(again).toEqual({ ...page, cached: true });
  });

  it('refuses to build a page that imports a server subpath of the kit', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sgk-web-subpath-'));
    try {
      await writeFile(join(root, 'index.html'), '<script type="module" src="./main.ts"></script>\n');
      await writeFile(
        join(root, 'main.ts'),
        "import { createSubmitScoreHandler } from 'serverless-game-kit/scores/lambda';\nconsole.log(createSubmitScoreHandler);\n",
      );
      const config = webDemoViteConfig(join(root, 'dist'));

      await expect(build({ ...config, root, logLevel: 'silent' })).rejects.toThrow(
        /serverless-game-kit\/scores\/lambda is not a browser subpath of serverless-game-kit/,
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
