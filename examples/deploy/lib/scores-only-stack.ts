import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { GameAuth, type GameFunctionSettings, GameHttpApi, GameScores } from 'serverless-game-kit/cdk';

/** Options of {@link ScoresOnlyStack}. */
export interface ScoresOnlyStackProps extends StackProps {
  kakaoAppIds: readonly number[];
  functionSettings?: GameFunctionSettings;
}

/**
 * Composing the constructs yourself: Kakao sign-in and leaderboards only (no quiz, no CDN), on one HTTP API, with
 * two boards, a stricter submission limit and a public origin of your own.
 *
 * @example
 * ```ts
 * new ScoresOnlyStack(app, 'mygame-scores', { kakaoAppIds: [123456] });
 * ```
 */
export class ScoresOnlyStack extends Stack {
  readonly auth: GameAuth;
  readonly scores: GameScores;

  constructor(scope: Construct, id: string, props: ScoresOnlyStackProps) {
    super(scope, id, props);
    const functionSettings = props.functionSettings;
    const httpApi = new GameHttpApi(this, 'Api', { allowedOrigins: ['https://game.example.com'] });
    this.auth = new GameAuth(this, 'Auth', { kakaoAppIds: props.kakaoAppIds, httpApi, functionSettings });
    this.scores = new GameScores(this, 'Scores', {
      httpApi,
      boards: { global: { mode: 'best' }, 'daily#*': { mode: 'best' } },
      rateLimit: { maxSubmissions: 10, windowSeconds: 60 },
      functionSettings,
    });
    this.scores.grantInvoke(this.auth.playerRole);
    new CfnOutput(this, 'HttpApiUrl', { value: httpApi.url });
    new CfnOutput(this, 'IdentityPoolId', { value: this.auth.identityPoolId });
  }
}
