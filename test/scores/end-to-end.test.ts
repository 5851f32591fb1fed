import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION } from '../../src/local/client-config.js';
import { HttpClientError } from '../../src/core/client/request-json.js';
import { ScoreClient } from '../../src/scores/client.js';
import { playerCredentials, playerIdOf, type ScoresStack, startScoresStack } from './fixtures/stack.js';

let scores: ScoresStack;
beforeAll(async () => {
  scores = await startScoresStack({ rateLimit: { maxSubmissions: 50, windowSeconds: 3600 } });
}, 60_000);
afterAll(() => scores.stack.stop());

function clientFor(player: string, board?: string): ScoreClient {
  return new ScoreClient({
    endpoint: scores.stack.endpoints.http,
    credentials: playerCredentials(player),
    region: LOCAL_REGION,
    ...(board ? { board } : {}),
  });
}

describe('scores through the local stack (HTTP gateway, DynamoDB Local, stream poller)', () => {
  it('submits, lists, ranks and counts scores end to end', async () => {
    const board = 'e2e#basic';
    await clientFor('ALICE', board).submit(300, { name: 'Alice' });
    await clientFor('BOB', board).submit(500, { name: 'Bob' });
    await clientFor('CAROL', board).submit(300, { name: 'Carol' });
    await clientFor('ALICE', board).submit(100);

    const page = await clientFor('DAVE', board).leaderboard({ limit: 10 });
    // Ranks come from the rank histogram, which follows the stream.
    await scores.stack.streamsIdle();
    const alice = await clientFor('ALICE', board).around();
    const history = await clientFor('DAVE', board).history();

    expect(page.entries.map((entry) => [entry.name, entry.score, entry.rank])).toEqual([
      ['Bob', 500, 1],
      expect.arrayContaining([300, 2]),
      expect.arrayContaining([300, 2]),
    ]);
    expect(alice?.player).toMatchObject({ playerId: playerIdOf('ALICE'), score: 300, rank: 2 });
    expect(history.buckets).toEqual([
      { score: 100, count: 1 },
      { score: 300, count: 2 },
      { score: 500, count: 1 },
    ]);
  });

  it('keeps the best on a best board and the latest on a latest board', async () => {
    const player = clientFor('ERIN');
    await player.submit(900, { board: 'e2e#best' });
    await player.submit(200, { board: 'e2e#best' });
    await player.submit(900, { board: 'latest' });
    await player.submit(200, { board: 'latest' });

    const best = await player.rank(undefined, { board: 'e2e#best' });
    const latest = await player.rank(undefined, { board: 'latest' });

    expect([best?.score, latest?.score]).toEqual([900, 200]);
  });

  it('counts replays of the same score as plays in the distribution', async () => {
    const player = clientFor('FRANK', 'e2e#replay');
    for (let play = 0; play < 3; play++) await player.submit(42);

    await scores.stack.streamsIdle();
    const history = await player.history();

    expect(history.buckets).toEqual([{ score: 42, count: 3 }]);
  });

  it('builds the exact histogram of a few hundred plays by many players through the real stream', async () => {
    const board = 'e2e#many';
    const expected: Record<number, number> = {};
    const plays = Array.from({ length: 300 }, (_, index) => ({
      player: `P${index % 30}`,
      score: (index * 37) % 23,
    }));
    for (const play of plays) expected[play.score] = (expected[play.score] ?? 0) + 1;

    for (let start = 0; start < plays.length; start += 10) {
      await Promise.all(
        plays.slice(start, start + 10).map((play) => clientFor(play.player, board).submit(play.score)),
      );
    }
    await scores.stack.streamsIdle();
    const history = await clientFor('P0', board).history();

    expect(Object.fromEntries(history.buckets.map((bucket) => [bucket.score, bucket.count]))).toEqual(
      expected,
    );
  }, 120_000);

  it('refuses an unsigned submission at the gateway', async () => {
    const anonymous = new ScoreClient({ endpoint: scores.stack.endpoints.http });

    const error = await anonymous.submit(10).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(HttpClientError);
    expect((error as HttpClientError).status).toBe(403);
  });

  it('answers a typed error the client exposes, e.g. RATE_LIMITED after the window is used up', async () => {
    const player = clientFor('GREEDY', 'e2e#limited');
    for (let play = 0; play < 50; play++) await player.submit(play);

    const error = await player.submit(1).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(HttpClientError);
    expect([(error as HttpClientError).status, (error as HttpClientError).code]).toEqual([
      429,
      'RATE_LIMITED',
    ]);
  }, 60_000);
});
