import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KakaoCognitoAuth } from '../../src/auth/client.js';
import { type GameClientConfig, gameClientConfig, gameStackConfig } from '../../src/local/game-stack.js';
import { type LocalStack, startLocalStack } from '../../src/local/stack/start-local-stack.js';
import { QuizRoom } from '../../src/quiz/client.js';
import { uniqueName } from '../support/aws.js';
import { ScoreClient } from '../../src/scores/client.js';

/** The whole product through the local stack: the same paths a game takes against a deployment. */
describe('the local game stack', () => {
  let stack: LocalStack;
  let config: GameClientConfig;

  beforeAll(async () => {
    stack = await startLocalStack({
      ...gameStackConfig({ tablePrefix: `${uniqueName('game')}-` }),
      services: { dynamodbEndpoint: inject('dynamodbEndpoint'), s3Endpoint: inject('s3Endpoint') },
      log: () => undefined,
    });
    config = gameClientConfig(stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function signIn(kakaoId: number): Promise<KakaoCognitoAuth> {
    const auth = new KakaoCognitoAuth({
      authEndpoint: config.authEndpoint,
      region: config.region,
      identityPoolId: config.identityPoolId,
      cognitoEndpoint: config.cognitoEndpoint,
    });
    await auth.signIn(stack.identity.kakao!.mintToken({ kakaoId }));
    return auth;
  }

  it('signs players in with Kakao, records their scores, and counts every play in the distribution', async () => {
    const board = `test-${Date.now()}`;
    const players = await Promise.all([signIn(1001), signIn(1002)]);
    const [alice, bob] = players.map(
      (auth) =>
        new ScoreClient({
          endpoint: config.httpApi,
          region: config.region,
          credentials: auth.credentialProvider,
        }),
    );
    await alice!.submit(300, { board, name: '앨리스' });
    await alice!.submit(300, { board });
    await bob!.submit(500, { board, name: '밥' });

    const page = await alice!.leaderboard({ board, limit: 10 });
    expect(page.entries.map((entry) => [entry.rank, entry.name, entry.score])).toEqual([
      [1, '밥', 500],
      [2, '앨리스', 300],
    ]);
    expect(page.entries[1]?.playerId).toBe(players[0].identityId);

    await stack.streamsIdle();
    const history = await alice!.history({ board });
    expect(history.buckets).toEqual([
      { score: 300, count: 2 },
      { score: 500, count: 1 },
    ]);
  });

  it('refuses score submissions without Cognito credentials', async () => {
    const anonymous = new ScoreClient({ endpoint: config.httpApi, region: config.region });
    await expect(anonymous.submit(100)).rejects.toMatchObject({ status: 403 });
  });

  it('runs a quiz room where a signed-in player and a guest see the same pattern', async () => {
    const auth = await signIn(1003);
    const room = `stack-${Date.now()}`;
    const player = await QuizRoom.join({
      url: config.websocket,
      room,
      name: '민지',
      token: () => auth.openIdToken(),
    });
    const guest = await QuizRoom.join({ url: config.websocket, room, name: '손님' });
    try {
      expect(guest.state.pattern).toBe(player.state.pattern);
      expect(player.self?.playerId).toBe(auth.identityId);
    } finally {
      await Promise.all([player.leave(), guest.leave()]);
    }
  });

  it('exposes retry-after and the request id to cross-origin pages, as the deployed API does', async () => {
    const response = await fetch(`${config.httpApi}/hangul/choseong?text=a`, {
      headers: { origin: 'http://127.0.0.1:5173' },
    });
    expect(response.headers.get('access-control-expose-headers')?.split(',')).toEqual([
      'retry-after',
      'x-amzn-requestid',
      'apigw-requestid',
    ]);
  });

  it('answers the hangul demo route', async () => {
    const response = await fetch(`${config.httpApi}/hangul/choseong?text=${encodeURIComponent('강아지')}`);
    expect(await response.json()).toEqual({ text: '강아지', choseong: 'ㄱㅇㅈ' });
  });
});
