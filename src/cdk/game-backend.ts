import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledgeRules, arnFinding, LAMBDA_BASIC_EXECUTION_FINDING } from './acknowledge.js';
import { GameAuth, type GameAuthProps } from './game-auth.js';
import type { GameConfig } from './game-config.js';
import type { GameFunctionSettings } from './game-function.js';
import { type ApiThrottle, GameHttpApi } from './game-http-api.js';
import { GamePatchCdn, type GamePatchCdnProps } from './game-patch-cdn.js';
import { GameScores, type GameScoresProps } from './game-scores.js';
import { QuizRealtime, type QuizRealtimeProps } from './quiz-realtime.js';

/** Options of {@link GameBackend}. */
export interface GameBackendProps {
  /** Kakao app ids whose tokens are accepted; the first is the one in `config.json`. */
  kakaoAppIds: readonly number[];
  /**
   * Sandbox: tables, bucket (emptied first) and identity pool are deleted with the stack, no point-in-time
   * recovery. Default false: players' data is retained.
   */
  sandbox?: boolean;
  /** Put in front of every table name; default `<stack name>-`. */
  tableNamePrefix?: string;
  /** Origins allowed to call the HTTP API from a browser; default the CDN's own URL. */
  allowedOrigins?: string[];
  /** Requests per second and burst of each API stage; default 100 / 200. */
  throttle?: ApiThrottle;
  auth?: Omit<GameAuthProps, 'kakaoAppIds' | 'httpApi' | 'functionSettings'>;
  scores?: Omit<GameScoresProps, 'httpApi' | 'functionSettings'>;
  quiz?: Omit<QuizRealtimeProps, 'identityPoolId' | 'functionSettings'>;
  patches?: GamePatchCdnProps;
  /** Applies to every function (bundle directory, code replacements, logs). */
  functionSettings?: GameFunctionSettings;
  /**
   * Also write `config.json` to the bucket root (served at `<cdn>/config.json`, cached a minute, invalidated on
   * deploy); default false. It uses CDK's `BucketDeployment`, whose handler (a Lambda function with a Python
   * runtime and the AWS CLI) cdk-nag flags; its findings are acknowledged here except the one naming your CDK
   * assets bucket.
   */
  publishConfig?: boolean;
}

/**
 * The whole backend in one construct: `GameAuth`, `GameScores` (on the same HTTP API; players may invoke only the
 * score routes), `QuizRealtime` (verifying the identity pool's tokens) and `GamePatchCdn`, with the client
 * `config.json` written to the CDN and printed as the `GameConfig` output.
 *
 * @example
 * ```ts
 * import { App, Stack } from 'aws-cdk-lib';
 * import { GameBackend } from 'serverless-game-kit/cdk';
 *
 * const app = new App();
 * const stack = new Stack(app, 'mygame');
 * new GameBackend(stack, 'Game', { kakaoAppIds: [123456] });
 * ```
 */
export class GameBackend extends Construct {
  readonly httpApi: GameHttpApi;
  readonly auth: GameAuth;
  readonly scores: GameScores;
  readonly quiz: QuizRealtime;
  readonly patches: GamePatchCdn;
  /** The client `config.json` (CloudFormation tokens until deployed). */
  readonly config: GameConfig;

  constructor(scope: Construct, id: string, props: GameBackendProps) {
    super(scope, id);
    const kakaoAppId = props.kakaoAppIds[0];
    if (kakaoAppId === undefined) throw new Error('GameBackend needs at least one Kakao app id.');
    const sandbox = props.sandbox ?? false;
    const removalPolicy = sandbox ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const tableSettings = {
      removalPolicy,
      ...(props.tableNamePrefix === undefined ? {} : { namePrefix: props.tableNamePrefix }),
    };
    const functionSettings = props.functionSettings;

    this.patches = new GamePatchCdn(this, 'Patches', { removalPolicy, ...props.patches });
    this.httpApi = new GameHttpApi(this, 'HttpApi', {
      allowedOrigins: props.allowedOrigins ?? [this.patches.url],
      ...(props.throttle ? { throttle: props.throttle } : {}),
    });
    this.auth = new GameAuth(this, 'Auth', {
      removalPolicy,
      ...props.auth,
      kakaoAppIds: props.kakaoAppIds,
      httpApi: this.httpApi,
      functionSettings,
    });
    this.scores = new GameScores(this, 'Scores', {
      ...props.scores,
      tableSettings: { pointInTimeRecovery: !sandbox, ...tableSettings, ...props.scores?.tableSettings },
      httpApi: this.httpApi,
      functionSettings,
    });
    // Players may call the score routes, and nothing else: no S3 (patches come through CloudFront), no DynamoDB.
    this.scores.grantInvoke(this.auth.playerRole);
    this.quiz = new QuizRealtime(this, 'Quiz', {
      ...(props.throttle ? { throttle: props.throttle } : {}),
      ...props.quiz,
      tableSettings: { ...tableSettings, ...props.quiz?.tableSettings },
      identityPoolId: this.auth.identityPoolId,
      functionSettings,
    });

    this.config = {
      region: Stack.of(this).region,
      httpApi: this.httpApi.url,
      authEndpoint: this.auth.authEndpoint,
      identityPoolId: this.auth.identityPoolId,
      kakaoAppId,
      websocket: this.quiz.url,
      cdn: this.patches.url,
      patchPrefix: this.patches.patchPrefix,
    };
    if (props.publishConfig === true) this.publishConfig();
    this.addOutputs();
  }

  private publishConfig(): void {
    const deployment = new BucketDeployment(this, 'ConfigDeployment', {
      destinationBucket: this.patches.bucket,
      sources: [Source.jsonData('config.json', this.config)],
      // Never prune at the bucket root: it would delete every patch release.
      prune: false,
      cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.minutes(1))],
      distribution: this.patches.distribution,
      distributionPaths: ['/config.json'],
      waitForDistributionInvalidation: false,
    });
    const reason =
      "CDK's own BucketDeployment handler: its managed logging policy, its runtime and its bucket-wide grants are " +
      'set by aws-cdk-lib, and it runs only during deployments.';
    const handler = deployment.handlerRole.node.scope ?? deployment;
    acknowledgeRules(handler, [
      { id: 'AwsSolutions-IAM4', appliesTo: [LAMBDA_BASIC_EXECUTION_FINDING], reason },
      {
        id: 'AwsSolutions-IAM5',
        appliesTo: [
          'Resource::*',
          'Action::s3:GetObject*',
          'Action::s3:GetBucket*',
          'Action::s3:List*',
          'Action::s3:DeleteObject*',
          'Action::s3:Abort*',
          `Resource::${arnFinding(this.patches.bucket)}/*`,
        ],
        reason,
      },
      { id: 'AwsSolutions-L1', reason },
    ]);
  }

  private addOutputs(): void {
    const outputs: Record<string, [string, string]> = {
      HttpApiUrl: [
        this.config.httpApi,
        'HTTP API: POST /auth/kakao, POST|GET /scoreboard, GET /scorehistory',
      ],
      IdentityPoolId: [this.config.identityPoolId, 'Cognito identity pool'],
      WebSocketUrl: [this.config.websocket, 'Quiz WebSocket URL (QuizRoom url)'],
      CdnUrl: [this.config.cdn, 'PatchUpdater cdnUrl; config.json is at <CdnUrl>/config.json'],
      BucketName: [this.patches.bucket.bucketName, 'sgk patch publish --bucket'],
      DistributionId: [this.patches.distribution.distributionId, 'sgk patch publish --distribution-id'],
      PublisherRoleArn: [this.patches.publisherRole.roleArn, 'Assume it to publish patches'],
      ScoreStreamFailuresQueue: [
        this.scores.streamFailures.queueUrl,
        'Score stream records that kept failing',
      ],
      GameConfig: [Stack.of(this).toJsonString(this.config), 'The game client config.json'],
    };
    for (const [name, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, name, { value, description });
    }
  }
}
