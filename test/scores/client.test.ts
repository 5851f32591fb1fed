import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClientError, type FetchLike } from '../../src/core/client/request-json.js';
import { LOCAL_REGION } from '../../src/local/client-config.js';
import { ScoreClient } from '../../src/scores/client.js';
import { isScoresError, ScoresError } from '../../src/scores/errors.js';
import { playerCredentials, playerIdOf, type ScoresStack, startScoresStack } from './fixtures/stack.js';

let scores: ScoresStack;
beforeAll(async () => {
  scores = await startScoresStack({ rateLimit: { maxSubmissions: 3, windowSeconds: 3600 } });
}, 60_000);
afterAll(() => scores.stack.stop());

/** The real `fetch`, recording each request and failing the first `failures` with a network error. */
function recordingFetch(failures = 0) {
  const calls: Array<{ method: string; url: string; headers: Headers }> = [];
  const fetchLike: FetchLike = async (input, init) => {
    calls.push({
      method: init?.method ?? 'GET',
      url: input instanceof Request ? input.url : input.toString(),
      headers: new Headers(init?.headers),
    });
    if (calls.length <= failures) throw new TypeError('fetch failed');
    return fetch(input, init);
  };
  return { calls, fetch: fetchLike };
}

function client(fetchLike: FetchLike, player = 'HANNA'): ScoreClient {
  return new ScoreClient({
    endpoint: scores.stack.endpoints.http,
    credentials: playerCredentials(player),
    region: LOCAL_REGION,
    fetch: fetchLike,
    board: 'e2e#client',
    readRetries: 2,
    timeoutMs: 5_000,
  });
}

describe('ScoreClient', () => {
  it('signs requests with SigV4 for execute-api, including the session token', async () => {
    const recorder = recordingFetch();

    const result = await client(recorder.fetch).submit(12);

    expect(result.playerId).toBe(playerIdOf('HANNA'));
    const headers = recorder.calls[0]!.headers;
    expect(headers.get('authorization')).toMatch(
      /^AWS4-HMAC-SHA256 Credential=HANNA\/\d{8}\/ap-northeast-2\/execute-api\/aws4_request, /,
    );
    expect(headers.get('x-amz-security-token')).toBe('token-HANNA');
  });

  it('retries a read after a network error', async () => {
    const recorder = recordingFetch(1);

    const page = await client(recorder.fetch).leaderboard();

    expect(page.board).toBe('e2e#client');
    expect(recorder.calls).toHaveLength(2);
  });

  it('never retries a submission', async () => {
    const recorder = recordingFetch(1);

    const error = await client(recorder.fetch, 'IAN')
      .submit(5)
      .catch((caught: unknown) => caught);

    expect(isScoresError(error, 'NETWORK')).toBe(true);
    expect(error).toBeInstanceOf(HttpClientError);
    expect((error as ScoresError).cause).toBeInstanceOf(HttpClientError);
    expect(recorder.calls).toHaveLength(1);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, 1.5, 2 ** 60])(
    'refuses the score %s before sending anything',
    async (score) => {
      const recorder = recordingFetch();

      const error = await client(recorder.fetch)
        .submit(score)
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ScoresError);
      expect((error as ScoresError).code).toBe('INVALID_SCORE');
      expect(recorder.calls).toHaveLength(0);
    },
  );

  it('refuses a malformed board name before sending anything', async () => {
    const recorder = recordingFetch();

    const error = await client(recorder.fetch)
      .leaderboard({ board: 'no spaces' })
      .catch((caught: unknown) => caught);

    expect((error as ScoresError).code).toBe('INVALID_BOARD');
    expect(recorder.calls).toHaveLength(0);
  });

  it('turns a failing credential provider into UNAUTHENTICATED', async () => {
    const broken = new ScoreClient({
      endpoint: scores.stack.endpoints.http,
      region: LOCAL_REGION,
      credentials: async () => {
        throw new Error('expired');
      },
    });

    const error = await broken.submit(1).catch((caught: unknown) => caught);

    expect((error as ScoresError).code).toBe('UNAUTHENTICATED');
  });

  it('answers null, not an error, for the rank of a player without a score', async () => {
    const recorder = recordingFetch();
    const newcomer = client(recorder.fetch, 'NEWCOMER');

    const [standing, rank] = [await newcomer.around(), await newcomer.rank()];

    expect([standing, rank]).toEqual([null, null]);
    expect(recorder.calls.map((call) => new URL(call.url).searchParams.get('around'))).toEqual(['me', 'me']);
  });

  it('answers the standing once the player has a score', async () => {
    const player = client(fetch, 'JUNO');
    await player.submit(40, { name: 'Juno' });

    const rank = await player.rank();

    expect(rank).toMatchObject({ playerId: playerIdOf('JUNO'), score: 40, name: 'Juno' });
  });

  it("throws the server's refusal as a typed ScoresError that is still an HttpClientError", async () => {
    const error = await client(fetch)
      .leaderboard({ limit: 100_000 })
      .catch((caught: unknown) => caught);

    expect(isScoresError(error, 'INVALID_QUERY')).toBe(true);
    expect(error).toBeInstanceOf(HttpClientError);
    expect(error).toMatchObject({ name: 'ScoresError', code: 'INVALID_QUERY', status: 400 });
  });

  it('gives RATE_LIMITED with the seconds to wait from retry-after', async () => {
    const greedy = client(fetch, 'GREEDY');
    for (let play = 1; play <= 3; play++) await greedy.submit(play);

    const error = await greedy.submit(4).catch((caught: unknown) => caught);

    expect(isScoresError(error, 'RATE_LIMITED')).toBe(true);
    const { status, retryAfterSeconds } = error as ScoresError;
    expect(status).toBe(429);
    expect(retryAfterSeconds).toBeGreaterThan(0);
    expect(retryAfterSeconds).toBeLessThanOrEqual(3600);
  });

  it('names a gateway refusal of an unsigned request FORBIDDEN', async () => {
    const anonymous = new ScoreClient({ endpoint: scores.stack.endpoints.http, board: 'e2e#client' });

    const error = await anonymous.submit(1).catch((caught: unknown) => caught);

    expect(isScoresError(error, 'FORBIDDEN')).toBe(true);
    expect((error as ScoresError).status).toBe(403);
  });

  it('names an answer without a scores code SCORES_ENDPOINT_ERROR, keeping its status', async () => {
    const lost = new ScoreClient({
      endpoint: scores.stack.endpoints.http,
      paths: { scoreboard: '/no-such-route' },
      readRetries: 0,
    });

    const error = await lost.leaderboard().catch((caught: unknown) => caught);

    expect(isScoresError(error, 'SCORES_ENDPOINT_ERROR')).toBe(true);
    expect((error as ScoresError).status).toBe(404);
    expect((error as ScoresError).message).toMatch(/check the endpoint URL and the route paths/);
  });

  it('gives ABORTED for a call whose signal fired, without sending it', async () => {
    const recorder = recordingFetch();
    const controller = new AbortController();
    controller.abort();

    const error = await client(recorder.fetch)
      .leaderboard({ signal: controller.signal })
      .catch((caught: unknown) => caught);

    expect(isScoresError(error, 'ABORTED')).toBe(true);
    expect(recorder.calls).toHaveLength(0);
  });

  it('turns a failing headers function into UNAUTHENTICATED without sending anything', async () => {
    const recorder = recordingFetch();
    const broken = new ScoreClient({
      endpoint: scores.stack.endpoints.http,
      fetch: recorder.fetch,
      headers: () => Promise.reject(new Error('token expired')),
    });

    const error = await broken.leaderboard().catch((caught: unknown) => caught);

    expect(isScoresError(error, 'UNAUTHENTICATED')).toBe(true);
    expect(recorder.calls).toHaveLength(0);
  });

  it('reads the region from an API Gateway endpoint', () => {
    expect(
      () =>
        new ScoreClient({
          endpoint: 'https://abc123.execute-api.ap-northeast-2.amazonaws.com/prod',
          credentials: playerCredentials('X'),
        }),
    ).not.toThrow();
  });

  it.each([
    ['a relative endpoint', { endpoint: '/prod' }],
    [
      'credentials without a region for a custom domain',
      { endpoint: 'https://api.example.com', credentials: playerCredentials('X') },
    ],
    ['a malformed default board', { endpoint: 'https://api.example.com', board: '' }],
  ])('refuses %s at construction', (_label, options) => {
    expect(() => new ScoreClient(options)).toThrow(ScoresError);
  });
});
