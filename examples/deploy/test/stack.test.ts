import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnElement, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../../test/cdk/cdk-matchers.js';
import {
  buildTestBundles,
  renderIntrinsic,
  resourcesOf,
  roleStatements,
  type TestBundles,
} from '../../../test/cdk/support.js';
import { addGameKitStack } from '../lib/app.js';
import type { DeployedGameConfig } from '../lib/game-config.js';
import type { GameKitStack } from '../lib/game-kit-stack.js';
import { ScoresOnlyStack } from '../lib/scores-only-stack.js';

const CONTEXT = {
  kakaoAppIds: '123456,654321',
  prefix: 'testgame',
  kakaoJavaScriptKey: 'test-javascript-key',
  kakaoRestApiKey: 'test-rest-api-key',
};

let bundles: TestBundles;
let outdir: string;
let stack: GameKitStack;
let template: Template;

beforeAll(async () => {
  bundles = await buildTestBundles();
  outdir = mkdtempSync(join(tmpdir(), 'sgk-deploy-'));
  stack = addGameKitStack(new App({ outdir, context: CONTEXT }), { bundleDirectory: bundles.directory });
  template = Template.fromStack(stack);
}, 180_000);

afterAll(() => {
  bundles?.remove();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

const logicalId = (scope: Stack, construct: IConstruct): string =>
  scope.getLogicalId(
    CfnElement.isCfnElement(construct) ? construct : (construct.node.defaultChild as CfnElement),
  );

describe('the example stack (GameBackend + the login page)', () => {
  it('names the tables after the prefix and keeps the players’ data', () => {
    const tables = Object.values(resourcesOf(template, 'AWS::DynamoDB::Table'));

    expect(tables.map((table) => table.Properties!.TableName).sort()).toEqual([
      'testgame-GameScoreDistribution',
      'testgame-GameScores',
      'testgame-quiz-chat',
      'testgame-quiz-connections',
      'testgame-quiz-rooms',
    ]);
    expect(tables.map((table) => table.DeletionPolicy)).toEqual(Array(5).fill('Retain'));
  });

  it('passes the context to the constructs: Kakao app ids, provider name, patch prefix, throttle', () => {
    const auth = JSON.parse(
      renderIntrinsic(
        (
          resourcesOf(template, 'AWS::Lambda::Function')[logicalId(stack, stack.game.auth.function)]!
            .Properties!.Environment as { Variables: Record<string, unknown> }
        ).Variables.SGK_HANDLER_OPTIONS,
      ),
    ) as Record<string, unknown>;

    expect(auth).toMatchObject({ developerProviderName: 'testgame.auth', kakaoAppIds: [123456, 654321] });
    expect(template).toHaveResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: Match.arrayWith([Match.objectLike({ PathPattern: 'update/version.json' })]),
      }),
    });
    expect(template).toHaveResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    });
  });

  it('hosts the Kakao login page under login/ with a config.json pointing at the auth endpoint', () => {
    const deployments = Object.values(resourcesOf(template, 'Custom::CDKBucketDeployment')).map(
      (deployment) => deployment.Properties!,
    );
    const login = deployments.find((p) => p.DestinationBucketKeyPrefix === 'login/')!;
    const config = deployments.find((p) => p.DestinationBucketKeyPrefix === undefined)!;

    expect(login.SourceObjectKeys).toHaveLength(2);
    expect(JSON.stringify(login.SourceMarkers)).toContain(logicalId(stack, stack.game.httpApi.api));
    // config.json at the bucket root never prunes the patch releases next to it.
    expect(config.Prune).toBe(false);
    expect(JSON.stringify(config.SourceMarkers)).toContain(logicalId(stack, stack.game.auth.identityPool));
  });

  it('outputs a GameConfig that renders to the client config, and the login page to register', () => {
    const outputs = template.findOutputs('*') as Record<string, { Value: unknown }>;
    const [, output] = Object.entries(outputs).find(([id]) => id.startsWith('GameGameConfig'))!;
    const config = JSON.parse(renderIntrinsic(output.Value)) as DeployedGameConfig;
    const api = `\${${logicalId(stack, stack.game.httpApi.api)}.ApiEndpoint}`;
    const cdn = `https://\${${logicalId(stack, stack.game.patches.distribution)}.DomainName}`;

    expect(config).toEqual({
      region: '${AWS::Region}',
      httpApi: api,
      authEndpoint: `${api}/auth/kakao`,
      identityPoolId: `\${${logicalId(stack, stack.game.auth.identityPool)}}`,
      kakaoAppId: 123456,
      websocket: `wss://\${${logicalId(stack, stack.game.quiz.webSocketApi)}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/prod`,
      cdn,
      patchPrefix: 'update',
    });
    expect(renderIntrinsic(outputs.KakaoLoginPage!.Value)).toBe(`${cdn}/login/kakao-login.html`);
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['KakaoLoginPage', 'PublishCommand']));
  });
});

describe('a sandbox with its own origins', () => {
  let sandbox: GameKitStack;
  let sandboxTemplate: Template;

  beforeAll(() => {
    const app = new App({
      outdir,
      context: {
        kakaoAppIds: [123456],
        prefix: 'sandbox',
        sandbox: 'true',
        allowedOrigins: 'https://game.example.com,http://127.0.0.1:8080',
        quizRequireToken: 'true',
      },
    });
    sandbox = addGameKitStack(app, { bundleDirectory: bundles.directory });
    sandboxTemplate = Template.fromStack(sandbox);
  }, 180_000);

  it('deletes tables, bucket and identity pool with the stack, without point-in-time recovery', () => {
    const deletable = [
      ...Object.values(resourcesOf(sandboxTemplate, 'AWS::Cognito::IdentityPool')),
      ...Object.values(resourcesOf(sandboxTemplate, 'AWS::DynamoDB::Table')),
      ...Object.values(resourcesOf(sandboxTemplate, 'AWS::S3::Bucket')),
    ];
    const recovery = Object.values(resourcesOf(sandboxTemplate, 'AWS::DynamoDB::Table')).map(
      (table) =>
        (table.Properties!.PointInTimeRecoverySpecification as { PointInTimeRecoveryEnabled: boolean })
          .PointInTimeRecoveryEnabled,
    );

    expect(deletable.map((resource) => resource.DeletionPolicy)).toEqual(Array(7).fill('Delete'));
    expect(Object.keys(resourcesOf(sandboxTemplate, 'Custom::S3AutoDeleteObjects'))).toHaveLength(1);
    expect(recovery).toEqual(Array(5).fill(false));
  });

  it('allows the origins it was given and tells the quiz function to refuse guests', () => {
    expect(sandboxTemplate).toHaveResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://game.example.com', 'http://127.0.0.1:8080'],
      }),
    });
    const quiz = resourcesOf(sandboxTemplate, 'AWS::Lambda::Function')[
      logicalId(sandbox, sandbox.game.quiz.function)
    ]!;
    const options = renderIntrinsic(
      (quiz.Properties!.Environment as { Variables: Record<string, unknown> }).Variables.SGK_HANDLER_OPTIONS,
    );

    expect(JSON.parse(options)).toMatchObject({ requireToken: true });
  });

  it('warns at synth time that the login page lacks its Kakao keys', () => {
    const warnings = Annotations.fromStack(sandbox).findWarning(
      '*',
      Match.stringLikeRegexp('kakaoJavaScriptKey'),
    );

    expect(warnings).toHaveLength(1);
  });
});

describe('composing the constructs yourself', () => {
  it('serves sign-in and the score routes from one API, and players may invoke only the score routes', () => {
    const scoresOnly = new ScoresOnlyStack(new App({ outdir }), 'scores-only', {
      kakaoAppIds: [123456],
      functionSettings: { bundleDirectory: bundles.directory },
    });
    const scoresTemplate = Template.fromStack(scoresOnly);
    const routes = Object.values(resourcesOf(scoresTemplate, 'AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties!.RouteKey,
    );
    const player = roleStatements(scoresTemplate, logicalId(scoresOnly, scoresOnly.auth.playerRole));

    expect(routes.sort()).toEqual([
      'GET /scoreboard',
      'GET /scorehistory',
      'POST /auth/kakao',
      'POST /scoreboard',
    ]);
    expect(Object.keys(resourcesOf(scoresTemplate, 'AWS::ApiGatewayV2::Api'))).toHaveLength(1);
    expect(player.flatMap((statement) => statement.Action)).toEqual(['execute-api:Invoke']);
    expect(Object.keys(resourcesOf(scoresTemplate, 'AWS::CloudFront::Distribution'))).toHaveLength(0);
    expect(scoresTemplate).toHaveResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ SGK_HANDLER_OPTIONS: Match.stringLikeRegexp('"maxSubmissions":10') }),
      },
    });
  });
});
