/**
 * The browser demo in real Chromium (Debian's `chromium`, driven by playwright-core), against the local demo
 * stack with the page hosted on its CDN route: two players share a quiz room, a score played in the page reaches
 * the leaderboard and the chart, a player without a score sees that state without failed requests, and typing
 * while the quiz connection is down says so. Screenshots go to `test-results/web-demo/`.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Browser, type Page, type Response, type WebSocketRoute, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KakaoCognitoAuth } from '../../../src/auth/client.js';
import { ChoseongIndex } from '../../../src/hangul/ChoseongIndex.js';
import { gameClientConfig } from '../../../src/local/game-stack.js';
import type { LocalStack } from '../../../src/local/stack/start-local-stack.js';
import { DEFAULT_WORD_PACK } from '../../../src/quiz/default-word-pack.js';
import { ScoreClient } from '../../../src/scores/client.js';
import { getFreePort } from '../../../src/local/free-port.js';
import { uniqueName } from '../../../test/support/aws.js';
import { startDemoStack } from '../../local/demo-stack.js';
import { type HostedWebDemo, hostWebDemo } from '../../local/web-hosting.js';
import { type WebDemoBuild, buildWebDemo } from '../build.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = resolve('test-results', 'web-demo');
/** Longest wait for the page to show something (the backend is local, but the machine is shared). */
const UI_TIMEOUT_MS = 20_000;

/** Three base64url segments, the first one a JSON object: a JWT such as the Cognito OpenID token. */
const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/;

/** What a page opened and printed, and every token its backend calls handed it. */
interface SecretWatch {
  socketUrls: string[];
  console: string[];
  tokens: string[];
}

function collectTokens(value: unknown, into: string[]): void {
  if (typeof value !== 'object' || value === null) return;
  for (const [key, field] of Object.entries(value)) {
    if (/token/i.test(key) && typeof field === 'string' && field.length >= 16) into.push(field);
    else collectTokens(field, into);
  }
}

function watchForSecrets(page: Page): SecretWatch {
  const watch: SecretWatch = { socketUrls: [], console: [], tokens: [] };
  page.on('websocket', (socket) => watch.socketUrls.push(socket.url()));
  page.on('console', (message) => watch.console.push(message.text()));
  page.on('response', async (response) => {
    if (!['fetch', 'xhr'].includes(response.request().resourceType())) return;
    try {
      collectTokens(await response.json(), watch.tokens);
    } catch {
      // Not JSON.
    }
  });
  return watch;
}

describe('the web demo in Chromium', () => {
  let stack: LocalStack;
  let build: WebDemoBuild;
  let hosted: HostedWebDemo;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing. The browser tests need Debian's Chromium and a Korean font; .ci/run installs them ` +
          '(apt-get install -y chromium fonts-nanum).',
      );
    }
    [stack, build] = await Promise.all([
      startDemoStack({
        services: { dynamodbEndpoint: inject('dynamodbEndpoint'), s3Endpoint: inject('s3Endpoint') },
        tablePrefix: `${uniqueName('web')}-`,
      }),
      buildWebDemo(),
      mkdir(SCREENSHOTS, { recursive: true }),
    ]);
    hosted = await hostWebDemo(stack, build, { prefix: uniqueName('web') });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /**
   * A new browser profile on the page, signed in as `nickname`. `beforeLoad` runs before the page opens (to route
   * its WebSocket, or to record its requests).
   */
  async function signedInPlayer(
    nickname: string,
    query: Record<string, string>,
    beforeLoad: (page: Page) => Promise<void> | void = () => {},
  ): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'ko-KR' });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${nickname}: ${error.message}`));
    await beforeLoad(page);
    await page.goto(`${hosted.url}?${new URLSearchParams(query).toString()}`);
    await page.fill('#login-name', nickname);
    await page.click('#login-submit');
    await page.waitForSelector('#login-done', { timeout: UI_TIMEOUT_MS });
    return page;
  }

  async function screenshot(page: Page, name: string, annotate: (message: string) => Promise<unknown>) {
    const path = join(SCREENSHOTS, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    await annotate(`screenshot: ${path}`);
    console.log(`screenshot: ${path}`);
  }

  /** The text of each cell, row by row. */
  async function cellsOf(page: Page, rows: string): Promise<string[][]> {
    return page.$$eval(rows, (elements) =>
      elements.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? '')),
    );
  }

  /** Records every answer with an error status the page receives, and every console error. */
  function recordFailures(page: Page): { responses: string[]; console: string[] } {
    const failures = { responses: [] as string[], console: [] as string[] };
    page.on('response', (response: Response) => {
      if (response.status() >= 400) failures.responses.push(`${response.status()} ${response.url()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') failures.console.push(message.text());
    });
    return failures;
  }

  /** Clicks the score panel's reload button and waits until that refresh has finished. */
  async function reloadScores(page: Page): Promise<void> {
    const loads = Number(await page.getAttribute('#scores-body', 'data-loads'));
    await page.click('#scores-body button.secondary');
    await page.waitForSelector(`#scores-body[data-loads="${loads + 1}"]`, { timeout: UI_TIMEOUT_MS });
  }

  /** Signs `count` other players in (Kakao → Cognito, as the page does) and submits one score for each. */
  async function fillBoard(board: string, count: number): Promise<void> {
    const config = gameClientConfig(stack);
    await Promise.all(
      Array.from({ length: count }, async (_, index) => {
        const auth = new KakaoCognitoAuth({
          authEndpoint: config.authEndpoint,
          region: config.region,
          identityPoolId: config.identityPoolId,
          ...(config.cognitoEndpoint ? { cognitoEndpoint: config.cognitoEndpoint } : {}),
        });
        await auth.signIn(stack.identity.kakao!.mintToken({ kakaoId: 5_000_000_000 + index }));
        const scores = new ScoreClient({
          endpoint: config.httpApi,
          region: config.region,
          credentials: auth.credentialProvider,
        });
        await scores.submit(100 + index, { board, name: `선수${index}` });
      }),
    );
  }

  async function patternOf(page: Page): Promise<{ pattern: string; round: number }> {
    const element = page.locator('#quiz-pattern');
    return {
      pattern: (await element.textContent()) ?? '',
      round: Number(await element.getAttribute('data-round')),
    };
  }

  it('serves the page from the CDN route with the content type of each file', async () => {
    const css = build.files.find((file) => file.endsWith('.css'));
    const js = build.files.find((file) => file.endsWith('.js'));
    const base = hosted.url.replace(/index\.html$/, '');

    const types = await Promise.all(
      ['index.html', js, css, 'config.json'].map(async (file) => {
        const response = await fetch(`${base}${file}`);
        await response.arrayBuffer();
        return [file, response.status, response.headers.get('content-type')];
      }),
    );

    expect(types).toEqual([
      ['index.html', 200, 'text/html; charset=utf-8'],
      [js, 200, 'text/javascript; charset=utf-8'],
      [css, 200, 'text/css; charset=utf-8'],
      ['config.json', 200, 'application/json; charset=utf-8'],
    ]);
  });

  it('lets two players share a quiz room: one answers, both see the winner and the next pattern', async ({
    annotate,
  }) => {
    const room = uniqueName('room');
    const [alice, bob] = await Promise.all([
      signedInPlayer('민지', { room }),
      signedInPlayer('준호', { room }),
    ]);
    for (const page of [alice, bob]) {
      await page.click('#quiz-join');
      await page.waitForSelector('#quiz-pattern[data-round]', { timeout: UI_TIMEOUT_MS });
    }
    const before = await patternOf(alice);
    const answer = new ChoseongIndex(DEFAULT_WORD_PACK).lookup(before.pattern)[0];
    expect(answer, `a dictionary word for ${before.pattern}`).toBeDefined();
    expect(await patternOf(bob)).toEqual(before);

    await alice.fill('#quiz-input', answer!);
    await alice.press('#quiz-input', 'Enter');

    for (const page of [alice, bob]) {
      await page.waitForFunction(
        (round) => Number(document.querySelector<HTMLElement>('#quiz-pattern')?.dataset.round) > round,
        before.round,
        { timeout: UI_TIMEOUT_MS },
      );
    }
    const [afterAlice, afterBob] = await Promise.all([patternOf(alice), patternOf(bob)]);
    expect(afterAlice.round).toBe(before.round + 1);
    expect(afterBob).toEqual(afterAlice);
    for (const page of [alice, bob]) {
      expect(await page.textContent('#quiz-winner')).toBe('민지');
      expect(await page.textContent('#quiz-last')).toContain(`${before.pattern}: 정답자 민지 — ${answer!}`);
      expect(await page.textContent('#quiz-chat')).toContain(`민지 ${answer!}`);
    }
    expect(await cellsOf(bob, '#quiz-standings tbody tr')).toEqual([
      ['1', '민지', '1', '1'],
      ['2', '준호', '0', '0'],
    ]);
    await screenshot(alice, 'quiz-winner', annotate);
    await screenshot(bob, 'quiz-other-player', annotate);
    expect(pageErrors).toEqual([]);
  });

  it('never puts the Cognito token in a WebSocket URL or the console, also while the quiz cannot connect', async () => {
    const room = uniqueName('room');
    let seen: SecretWatch | undefined;
    const page = await signedInPlayer('지우', { room }, async (opened) => {
      seen = watchForSecrets(opened);
    });
    await page.click('#quiz-join');
    await page.waitForSelector('#quiz-pattern[data-round]', { timeout: UI_TIMEOUT_MS });

    // The same page with the WebSocket API down: every attempt fails, and Chromium logs each failed URL.
    const deadPort = await getFreePort();
    let seenWhileDown: SecretWatch | undefined;
    const down = await signedInPlayer('지우', { room }, async (opened) => {
      seenWhileDown = watchForSecrets(opened);
      await opened.route('**/config.json', async (route) => {
        const config = (await (await route.fetch()).json()) as Record<string, unknown>;
        await route.fulfill({ json: { ...config, websocket: `ws://127.0.0.1:${deadPort}/local` } });
      });
    });
    await down.click('#quiz-join');
    await down.waitForFunction(
      () => (document.querySelector('#quiz-status')?.textContent ?? '') !== '입장 중…',
      null,
      { timeout: UI_TIMEOUT_MS },
    );

    for (const watched of [seen!, seenWhileDown!]) {
      expect(watched.socketUrls.length).toBeGreaterThan(0);
      expect(watched.tokens.length).toBeGreaterThan(0);
      for (const url of watched.socketUrls) {
        expect([...new URL(url).searchParams.keys()].sort()).toEqual(['name', 'room']);
      }
      const printed = [...watched.socketUrls, ...watched.console].join('\n');
      for (const token of watched.tokens) expect(printed).not.toContain(token);
      expect(printed).not.toMatch(JWT);
    }
    expect(seenWhileDown!.socketUrls.every((url) => url.startsWith(`ws://127.0.0.1:${deadPort}/`))).toBe(
      true,
    );
  });

  it('submits a score played in the page and shows it in the leaderboard and the chart', async ({
    annotate,
  }) => {
    const board = uniqueName('test-web');
    const page = await signedInPlayer('서연', { board, duration: '4000' });

    await page.click('#game-press'); // the first press starts the clock
    for (let press = 1; press < 7; press++) await page.keyboard.press('Space');
    await page.waitForSelector('#game-submit:not([hidden])', { timeout: UI_TIMEOUT_MS });
    expect(await page.textContent('#game-count')).toBe('7');
    await page.click('#game-submit');

    await page.waitForSelector('#leaderboard tr.me[data-score="7"]', { timeout: UI_TIMEOUT_MS });
    await page.waitForSelector('#distribution .bar.mine[data-from="7"][data-count="1"]', {
      timeout: UI_TIMEOUT_MS,
    });
    expect(await cellsOf(page, '#leaderboard tbody tr')).toEqual([['1', '서연', '7']]);
    expect(await page.textContent('#my-rank')).toBe('내 순위: 1위 (최고 7점)');
    expect(await page.locator('#distribution .bar').count()).toBe(1);
    expect(
      await page.$$eval('#distribution .count-axis [data-count]', (ticks) =>
        ticks.map((tick) => tick.textContent),
      ),
    ).toEqual(['0', '1']);
    await screenshot(page, 'score-submitted', annotate);
    expect(pageErrors).toEqual([]);
  });

  it('shows a new player "no score yet" with no failed request when the board fits on one page', async ({
    annotate,
  }) => {
    const board = uniqueName('test-web-new');
    let failures: ReturnType<typeof recordFailures> | undefined;
    const page = await signedInPlayer(
      '도윤',
      { board },
      (opened) => void (failures = recordFailures(opened)),
    );

    await page.waitForSelector('#scores-body[data-loads="1"]', { timeout: UI_TIMEOUT_MS });
    await reloadScores(page);

    expect(await page.textContent('#my-rank')).toBe('아직 내 점수가 없어요. 한 판 하고 제출해 보세요!');
    expect(failures).toEqual({ responses: [], console: [] });
    await screenshot(page, 'no-score-yet', annotate);
    expect(pageErrors).toEqual([]);
  });

  it('shows a player without a score on a longer board "no score yet" with no failed request', async () => {
    const board = uniqueName('test-web-full');
    await fillBoard(board, 11);
    let failures: ReturnType<typeof recordFailures> | undefined;
    const page = await signedInPlayer(
      '지안',
      { board },
      (opened) => void (failures = recordFailures(opened)),
    );

    await page.waitForSelector('#scores-body[data-loads="1"]', { timeout: UI_TIMEOUT_MS });
    await reloadScores(page);
    await reloadScores(page);

    expect(await cellsOf(page, '#leaderboard tbody tr')).toHaveLength(10);
    // The rank is asked for (the page does not hold the whole board); the answer is a state, not a 404.
    expect(await page.textContent('#my-rank')).toBe('아직 내 점수가 없어요. 한 판 하고 제출해 보세요!');
    expect(failures).toEqual({ responses: [], console: [] });
    expect(pageErrors).toEqual([]);
  });

  it('tells a player who types while the quiz is disconnected, and sends the queued line once reconnected', async ({
    annotate,
  }) => {
    const room = uniqueName('room');
    const routes: WebSocketRoute[] = [];
    let refuseConnections = false;
    const page = await signedInPlayer('하은', { room }, (opened) =>
      opened.routeWebSocket(/.*/, (route) => {
        if (refuseConnections) {
          // The gateway is unreachable: every reconnect attempt drops at once.
          void route.close({ code: 1001, reason: 'unreachable' });
          return;
        }
        route.connectToServer();
        routes.push(route);
      }),
    );
    await page.click('#quiz-join');
    await page.waitForSelector('#quiz-form[data-connection="open"]', { timeout: UI_TIMEOUT_MS });

    refuseConnections = true;
    await routes.at(-1)!.close({ code: 1001, reason: 'network down' });
    await page.waitForSelector('#quiz-form[data-connection="reconnecting"]', { timeout: UI_TIMEOUT_MS });
    await page.fill('#quiz-input', '안녕');
    const noticeWhileTyping = await page.textContent('#quiz-offline:not([hidden])');
    await page.press('#quiz-input', 'Enter');
    const noticeWhileWaiting = await page.textContent('#quiz-offline:not([hidden])');
    await screenshot(page, 'quiz-disconnected', annotate);
    refuseConnections = false;
    await page.waitForSelector('#quiz-form[data-connection="open"]', { timeout: UI_TIMEOUT_MS });
    await page.waitForFunction(
      () => document.querySelector('#quiz-chat')?.textContent?.includes('하은 안녕'),
      null,
      {
        timeout: UI_TIMEOUT_MS,
      },
    );

    expect(noticeWhileTyping).toBe('연결이 끊겨 다시 연결하는 중이에요. 보내는 메시지는 연결되면 전송돼요.');
    expect(noticeWhileWaiting).toBe(
      '연결이 끊겨 다시 연결하는 중이에요. 보낸 메시지 1개는 연결되면 전송돼요.',
    );
    expect(await page.isHidden('#quiz-offline')).toBe(true);
    expect(await page.textContent('#quiz-error')).toBe('');
    expect(pageErrors).toEqual([]);
  });
});
