import { fileURLToPath } from 'node:url';
import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  type HttpStage,
  WebSocketApi,
  WebSocketStage,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration, WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccountRootPrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { buildGameConfig, type DeployedGameConfig, KAKAO_LOGIN_FOLDER } from './game-config.js';
import { GameCdn } from './game-cdn.js';
import { createGameFunction } from './game-function.js';
import { GameTables, QUIZ_ROOM_INDEX, SCORE_INDEX } from './game-tables.js';
import { PlayerIdentity } from './player-identity.js';
import type { DeploySettings } from './settings.js';

/** Options of {@link GameKitStack}. */
export interface GameKitStackProps extends StackProps {
  settings: DeploySettings;
}

/** The HTTP API routes that need SigV4 (IAM) and that players' credentials may call: nothing else. */
export const SCORE_ROUTES: ReadonlyArray<{ method: HttpMethod; path: string }> = [
  { method: HttpMethod.POST, path: '/scoreboard' },
  { method: HttpMethod.GET, path: '/scoreboard' },
  { method: HttpMethod.GET, path: '/scorehistory' },
];

/** Headers a SigV4-signed browser request carries (the preflight must allow them). */
const SIGV4_HEADERS = [
  'authorization',
  'content-type',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
];

/**
 * How the score stream is checkpointed. The issue asks for `BisectBatchOnFunctionError`; the aggregator's default
 * per-batch markers are only exactly-once with bisection off (a bisected half starts at a record with no
 * marker), so bisection goes with per-item checkpoints, which the scores module documents as correct under any
 * redelivery, bisection included. See the README for the cost and the cheaper alternative.
 */
export const SCORE_STREAM_DELIVERY = { bisectBatchOnError: true, checkpoint: 'item' } as const;

const KAKAO_LOGIN_PAGE_DIR = fileURLToPath(new URL('../../kakao-login/', import.meta.url));

/**
 * serverless-game-kit's minimal AWS deployment, in one stack: Kakao → Cognito sign-in, leaderboards with a score
 * distribution, realtime quiz rooms, and S3/CloudFront patch delivery, with the Kakao login page and the game's
 * `config.json` hosted on the CDN.
 *
 * @example
 * ```ts
 * new GameKitStack(app, 'mygame-game-kit', { settings: readDeploySettings((key) => app.node.tryGetContext(key)) });
 * ```
 */
export class GameKitStack extends Stack {
  readonly settings: DeploySettings;
  readonly cdn: GameCdn;
  readonly tables: GameTables;
  readonly identity: PlayerIdentity;
  readonly functions: {
    auth: NodejsFunction;
    submitScore: NodejsFunction;
    leaderboard: NodejsFunction;
    scoreHistory: NodejsFunction;
    scoreStream: NodejsFunction;
    quizSocket: NodejsFunction;
  };
  readonly httpApi: HttpApi;
  readonly httpStage: HttpStage;
  readonly webSocketApi: WebSocketApi;
  readonly webSocketStage: WebSocketStage;
  /** Assumable by IAM principals of this account: publishes patches (`sgk patch publish`). */
  readonly publisherRole: Role;
  /** Where records the score stream could not apply end up after their retries. */
  readonly scoreStreamFailures: Queue;
  /** The game's `config.json` (with CloudFormation tokens). */
  readonly gameConfig: DeployedGameConfig;

  constructor(scope: Construct, id: string, props: GameKitStackProps) {
    super(scope, id, props);
    const settings = props.settings;
    this.settings = settings;
    const dataRemovalPolicy = settings.sandbox ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    Tags.of(this).add('serverless-game-kit', settings.prefix);

    // --- Storage and delivery ---------------------------------------------------------------------------------
    this.cdn = new GameCdn(this, 'Cdn', { patchPrefix: settings.patchPrefix, sandbox: settings.sandbox });
    const cdnUrl = `https://${this.cdn.distribution.distributionDomainName}`;
    this.tables = new GameTables(this, 'Tables', {
      prefix: settings.prefix,
      removalPolicy: dataRemovalPolicy,
      pointInTimeRecovery: !settings.sandbox,
    });
    const tables = this.tables;

    // --- Players ----------------------------------------------------------------------------------------------
    this.identity = new PlayerIdentity(this, 'Players', {
      prefix: settings.prefix,
      developerProviderName: settings.developerProviderName,
      removalPolicy: dataRemovalPolicy,
    });

    // --- Functions --------------------------------------------------------------------------------------------
    const scoreTableEnvironment = {
      SCORES_TABLE: tables.scores.tableName,
      SCORE_INDEX,
      SCORE_DISTRIBUTION_TABLE: tables.scoreDistribution.tableName,
    };
    this.functions = {
      auth: createGameFunction(this, 'AuthFunction', {
        entry: 'auth.ts',
        description: 'POST /auth/kakao: Kakao access token → Cognito identity',
        // Above the handler's 3 s Kakao timeout plus a Cognito call.
        timeout: Duration.seconds(10),
        environment: {
          IDENTITY_POOL_ID: this.identity.identityPoolId,
          DEVELOPER_PROVIDER_NAME: settings.developerProviderName,
          KAKAO_APP_IDS: settings.kakaoAppIds.join(','),
        },
      }),
      submitScore: createGameFunction(this, 'SubmitScoreFunction', {
        entry: 'submit-score.ts',
        description: 'POST /scoreboard: record a play of the calling player',
        timeout: Duration.seconds(10),
        environment: scoreTableEnvironment,
      }),
      leaderboard: createGameFunction(this, 'LeaderboardFunction', {
        entry: 'leaderboard.ts',
        description: 'GET /scoreboard: top N, pages and ranks',
        timeout: Duration.seconds(10),
        environment: scoreTableEnvironment,
      }),
      scoreHistory: createGameFunction(this, 'ScoreHistoryFunction', {
        entry: 'score-history.ts',
        description: 'GET /scorehistory: the score distribution',
        timeout: Duration.seconds(10),
        environment: scoreTableEnvironment,
      }),
      scoreStream: createGameFunction(this, 'ScoreStreamFunction', {
        entry: 'score-stream.ts',
        description: 'Scores table stream → score distribution, exactly once',
        timeout: Duration.seconds(60),
        environment: { ...scoreTableEnvironment, STREAM_CHECKPOINT: SCORE_STREAM_DELIVERY.checkpoint },
      }),
      quizSocket: createGameFunction(this, 'QuizSocketFunction', {
        entry: 'quiz-socket.ts',
        description: 'Quiz WebSocket: $connect, $disconnect, $default',
        // API Gateway's WebSocket integration timeout; a broadcast posts to every connection of a room.
        timeout: Duration.seconds(29),
        memorySize: 512,
        environment: {
          QUIZ_CONNECTIONS_TABLE: tables.quizConnections.tableName,
          QUIZ_ROOMS_TABLE: tables.quizRooms.tableName,
          QUIZ_CHAT_TABLE: tables.quizChat.tableName,
          QUIZ_ROOM_INDEX,
          IDENTITY_POOL_ID: this.identity.identityPoolId,
          QUIZ_REQUIRE_TOKEN: String(settings.quizRequireToken),
        },
      }),
    };
    const fns = this.functions;
    this.identity.grantIssueTokens(fns.auth);
    tables.scores.grantReadWriteData(fns.submitScore);
    tables.scores.grantReadData(fns.leaderboard);
    tables.scoreDistribution.grantReadData(fns.scoreHistory);
    tables.scoreDistribution.grantReadWriteData(fns.scoreStream);
    for (const table of [tables.quizConnections, tables.quizRooms, tables.quizChat]) {
      table.grantReadWriteData(fns.quizSocket);
    }

    this.scoreStreamFailures = new Queue(this, 'ScoreStreamFailures', {
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
    });
    fns.scoreStream.addEventSource(
      new DynamoEventSource(tables.scores, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        reportBatchItemFailures: true,
        bisectBatchOnError: SCORE_STREAM_DELIVERY.bisectBatchOnError,
        retryAttempts: 5,
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.scoreStreamFailures),
      }),
    );

    // --- HTTP API ---------------------------------------------------------------------------------------------
    const allowedOrigins = settings.allowedOrigins ?? [cdnUrl];
    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `${settings.prefix}-api`,
      description: 'serverless-game-kit: Kakao sign-in and scores',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: allowedOrigins,
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.OPTIONS],
        allowHeaders: SIGV4_HEADERS,
        maxAge: Duration.hours(1),
      },
    });
    this.httpStage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: settings.apiRateLimit, burstLimit: settings.apiBurstLimit },
    });
    this.httpApi.addRoutes({
      path: '/auth/kakao',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('AuthIntegration', fns.auth),
    });
    const iam = new HttpIamAuthorizer();
    const scoreIntegrations: Record<string, NodejsFunction> = {
      'POST /scoreboard': fns.submitScore,
      'GET /scoreboard': fns.leaderboard,
      'GET /scorehistory': fns.scoreHistory,
    };
    for (const route of SCORE_ROUTES) {
      const fn = scoreIntegrations[`${route.method} ${route.path}`]!;
      this.httpApi.addRoutes({
        path: route.path,
        methods: [route.method],
        authorizer: iam,
        integration: new HttpLambdaIntegration(`${fn.node.id}Integration`, fn),
      });
    }
    // Players may call the score routes, and nothing else: no S3 (they read patches through CloudFront), no
    // DynamoDB, no other API.
    this.identity.allowPlayers(
      new PolicyStatement({
        actions: ['execute-api:Invoke'],
        resources: SCORE_ROUTES.map((route) =>
          this.httpApi.arnForExecuteApi(route.method, route.path, this.httpStage.stageName),
        ),
      }),
    );

    // --- WebSocket API ----------------------------------------------------------------------------------------
    const quizIntegration = new WebSocketLambdaIntegration('QuizIntegration', fns.quizSocket);
    this.webSocketApi = new WebSocketApi(this, 'QuizApi', {
      apiName: `${settings.prefix}-quiz`,
      description: 'serverless-game-kit: realtime choseong quiz rooms',
      connectRouteOptions: { integration: quizIntegration },
      disconnectRouteOptions: { integration: quizIntegration },
      defaultRouteOptions: { integration: quizIntegration },
    });
    this.webSocketStage = new WebSocketStage(this, 'QuizStage', {
      webSocketApi: this.webSocketApi,
      stageName: 'prod',
      autoDeploy: true,
      throttle: { rateLimit: settings.apiRateLimit, burstLimit: settings.apiBurstLimit },
    });
    // execute-api:ManageConnections on this stage's @connections: PostToConnection, DeleteConnection.
    this.webSocketStage.grantManagementApiAccess(fns.quizSocket);

    // --- Patch publisher --------------------------------------------------------------------------------------
    this.publisherRole = new Role(this, 'PublisherRole', {
      description: `Publishes ${settings.prefix} patches under ${settings.patchPrefix}/ (sgk patch publish)`,
      assumedBy: new AccountRootPrincipal(),
      maxSessionDuration: Duration.hours(1),
    });
    this.publisherRole.addToPolicy(
      new PolicyStatement({
        sid: 'PatchObjects',
        actions: [
          's3:PutObject', // blobs, manifests, the pointer (conditional writes), multipart parts
          's3:GetObject', // the published pointer and manifest: the truth the next publish diffs against
          's3:GetObjectVersion',
          's3:AbortMultipartUpload',
          's3:ListMultipartUploadParts',
          // Only to remove an object the publisher just uploaded when its source file changed mid-upload.
          's3:DeleteObject',
          's3:DeleteObjectVersion',
        ],
        resources: [this.cdn.bucket.arnForObjects(`${settings.patchPrefix}/*`)],
      }),
    );
    this.publisherRole.addToPolicy(
      new PolicyStatement({
        sid: 'PatchBucket',
        // ListBucket without a prefix condition: S3 answers a missing key with 404 only to callers allowed to
        // list the bucket (403 otherwise), and the publisher needs the 404 on its first publish.
        actions: ['s3:ListBucket', 's3:GetBucketVersioning'],
        resources: [this.cdn.bucket.bucketArn],
      }),
    );
    this.publisherRole.addToPolicy(
      new PolicyStatement({
        sid: 'InvalidatePointer',
        actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
        resources: [this.cdn.distribution.distributionArn],
      }),
    );

    // --- config.json and the Kakao login page -----------------------------------------------------------------
    this.gameConfig = buildGameConfig({
      region: this.region,
      httpApiEndpoint: this.httpApi.apiEndpoint,
      webSocketUrl: this.webSocketStage.url,
      identityPoolId: this.identity.identityPoolId,
      kakaoAppId: settings.kakaoAppIds[0]!,
      cdnUrl,
      patchPrefix: settings.patchPrefix,
    });
    new BucketDeployment(this, 'GameConfigDeployment', {
      destinationBucket: this.cdn.bucket,
      sources: [Source.jsonData('config.json', this.gameConfig)],
      // Never prune at the bucket root: it would delete every patch release.
      prune: false,
      cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.minutes(1))],
      distribution: this.cdn.distribution,
      distributionPaths: ['/config.json'],
      waitForDistributionInvalidation: false,
    });
    new BucketDeployment(this, 'KakaoLoginDeployment', {
      destinationBucket: this.cdn.bucket,
      destinationKeyPrefix: `${KAKAO_LOGIN_FOLDER}/`,
      sources: [
        Source.asset(KAKAO_LOGIN_PAGE_DIR, { exclude: ['*.d.ts', 'config.example.json', 'config.json'] }),
        Source.jsonData('config.json', this.kakaoLoginConfig(cdnUrl, allowedOrigins)),
      ],
      cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.minutes(5))],
      distribution: this.cdn.distribution,
      distributionPaths: [`/${KAKAO_LOGIN_FOLDER}/*`],
      waitForDistributionInvalidation: false,
    });

    // --- Outputs ----------------------------------------------------------------------------------------------
    const outputs: Record<string, [string, string]> = {
      Region: [this.region, 'Region of the APIs and the identity pool'],
      HttpApiUrl: [
        this.httpApi.apiEndpoint,
        'HTTP API: POST /auth/kakao, POST|GET /scoreboard, GET /scorehistory',
      ],
      AuthEndpoint: [this.gameConfig.authEndpoint, 'KakaoCognitoAuth authEndpoint'],
      WebSocketUrl: [this.webSocketStage.url, 'Quiz WebSocket URL (QuizRoom url)'],
      IdentityPoolId: [this.identity.identityPoolId, 'Cognito identity pool'],
      DeveloperProviderName: [settings.developerProviderName, 'Developer provider name of the identity pool'],
      CdnDomain: [this.cdn.distribution.distributionDomainName, 'CloudFront domain'],
      CdnUrl: [cdnUrl, 'PatchUpdater cdnUrl; config.json is at <CdnUrl>/config.json'],
      KakaoLoginPage: [this.gameConfig.kakaoLoginPage, 'Register it as a redirect URI in Kakao Developers'],
      BucketName: [this.cdn.bucket.bucketName, 'Bucket of patches, the login page and config.json'],
      DistributionId: [this.cdn.distribution.distributionId, 'sgk patch publish --distribution-id'],
      PatchPrefix: [settings.patchPrefix, 'sgk patch publish --prefix'],
      PublisherRoleArn: [this.publisherRole.roleArn, 'Assume it to publish patches'],
      ScoreStreamFailuresQueue: [this.scoreStreamFailures.queueUrl, 'Score stream records that kept failing'],
      PublishCommand: [
        `npx sgk patch publish <dir> --bucket ${this.cdn.bucket.bucketName} --prefix ${settings.patchPrefix} --distribution-id ${this.cdn.distribution.distributionId} --wait`,
        'Publish a patch (with the publisher role credentials)',
      ],
      GameConfig: [
        this.toJsonString(this.gameConfig),
        'The game client config.json (also at <CdnUrl>/config.json)',
      ],
    };
    for (const [name, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, name, { value, description });
    }
  }

  /** The login page's own `config.json` (`examples/kakao-login/config.example.json` documents the keys). */
  private kakaoLoginConfig(cdnUrl: string, allowedOrigins: string[]): Record<string, string> {
    const login = this.settings.kakaoLogin;
    if (login.javaScriptKey === undefined || login.restApiKey === undefined) {
      Annotations.of(this).addWarningV2(
        'serverless-game-kit:kakao-login-keys',
        'The Kakao login page needs -c kakaoJavaScriptKey=… -c kakaoRestApiKey=… (Kakao Developers → App → ' +
          'Platform keys); until then it shows "kakaoJavaScriptKey is missing".',
      );
    }
    const openerOrigin = login.openerOrigin ?? allowedOrigins.find((origin) => origin !== '*') ?? cdnUrl;
    return {
      ...(login.javaScriptKey === undefined ? {} : { kakaoJavaScriptKey: login.javaScriptKey }),
      ...(login.restApiKey === undefined ? {} : { kakaoRestApiKey: login.restApiKey }),
      redirect: login.redirect,
      ...(login.redirect === 'postMessage' ? { openerOrigin } : {}),
      authEndpoint: this.gameConfig.authEndpoint,
    };
  }
}
