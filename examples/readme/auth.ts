import { S3Client, ListBucketsCommand } from '@aws-sdk/client-s3';
import { KakaoCognitoAuth } from 'serverless-game-kit/auth';
import { gameClientConfig, gameStackConfig, startLocalStack } from 'serverless-game-kit/local';

const stack = await startLocalStack({ ...gameStackConfig(), log: () => {} });
const config = gameClientConfig(stack); // what a deployment's config.json holds
const auth = new KakaoCognitoAuth(config); // authEndpoint, region, identityPoolId (+ cognitoEndpoint locally)
const { identityId } = await auth.signIn(stack.identity.kakao!.mintToken({ kakaoId: 1234 })); // a Kakao SDK token in a real game
const s3 = new S3Client({
  region: config.region,
  endpoint: stack.endpoints.s3,
  forcePathStyle: true,
  credentials: auth.credentialProvider,
});
console.log(
  identityId,
  (await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name),
);
await stack.stop();
