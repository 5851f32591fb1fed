import { KakaoCognitoAuth } from 'serverless-game-kit/auth';
import { gameClientConfig, gameStackConfig, startLocalStack } from 'serverless-game-kit/local';
import { ScoreClient } from 'serverless-game-kit/scores';

const stack = await startLocalStack({ ...gameStackConfig(), log: () => {} });
const config = gameClientConfig(stack);
const auth = new KakaoCognitoAuth(config);
await auth.signIn(stack.identity.kakao!.mintToken({ kakaoId: 42 }));
const scores = new ScoreClient({
  endpoint: config.httpApi,
  region: config.region,
  credentials: auth.credentialProvider,
});
await scores.submit(1200, { name: '토끼' });
console.log(await scores.leaderboard({ limit: 10 }), await scores.around());
await stack.streamsIdle(); // the stream aggregator has counted the play
console.log(await scores.history()); // { board: 'global', buckets: [{ score: 1200, count: 1 }] }
await stack.stop();
