import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, CfnElement, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quizTables } from '../../../src/quiz/tables.js';
import { scoreTables } from '../../../src/scores/table.js';
import type { LocalTable } from '../../../src/local/stack/types.js';
import { addGameKitStack } from '../lib/app.js';
import type { DeployedGameConfig } from '../lib/game-config.js';
import type { GameKitStack } from '../lib/game-kit-stack.js';
import './cdk-matchers.js';
import { onlyResource, renderIntrinsic } from './intrinsics.js';

type Resources = Record<string, { Properties?: Record<string, unknown>; DeletionPolicy?: string }>;
type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

const CONTEXT = {
  kakaoAppIds: '123456,654321',
  prefix: 'testgame',
  kakaoJavaScriptKey: 'test-javascript-key',
  kakaoRestApiKey: 'test-rest-api-key',
};

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let outdir: string;
let app: App;
let stack: GameKitStack;
let template: Template;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'sgk-deploy-'));
  app = new App({ outdir, context: CONTEXT });
  stack = addGameKitStack(app);
  app.synth();
  template = Template.fromStack(stack);
}, 120_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

/** The logical id of an L1 construct, or of an L2 construct's default child. */
const logicalId = (scope: Stack, construct: IConstruct): string =>
  scope.getLogicalId(
    CfnElement.isCfnElement(construct) ? construct : (construct.node.defaultChild as CfnElement),
  );

const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** The resources of a type, typed (`findResources` answers `any`). */
function resourcesOf(source: Template, type: string): Resources {
  return source.findResources(type);
}

/** Every statement of the inline policies attached to a role. */
function roleStatements(roleId: string): Statement[] {
  const policies = resourcesOf(template, 'AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) => JSON.stringify(policy.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
}

function functionProperties(fn: NodejsFunction): Record<string, unknown> {
  return (template.toJSON() as { Resources: Resources }).Resources[logicalId(stack, fn)]!.Properties!;
}

/** The source files (relative to the repository) that went into a function's bundle, from its source map. */
function bundleSources(fn: NodejsFunction): string[] {
  const asset = fn.node.findChild('Code') as Asset;
  const bundle = join(outdir, asset.assetPath);
  const map = JSON.parse(readFileSync(join(bundle, 'index.mjs.map'), 'utf8')) as { sources: string[] };
  return map.sources.map((source) => relative(REPO_ROOT, resolve(bundle, source)));
}

describe('storage and delivery', () => {
  it('keeps the bucket versioned and blocks every kind of public access', () => {
    expect(template).toHaveResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  it('lets only this distribution read the bucket, through origin access control, versions included', () => {
    expect(template).toHaveResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always' },
    });
    const distributionId = logicalId(stack, stack.cdn.distribution);
    expect(template).toHaveResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: ['s3:GetObject', 's3:GetObjectVersion'],
            Condition: {
              StringEquals: { 'AWS:SourceArn': Match.anyValue() },
            },
          }),
        ]),
      },
    });
    const policy = JSON.stringify(resourcesOf(template, 'AWS::S3::BucketPolicy'));

    expect(policy).toContain(`"Ref":"${distributionId}"`);
  });

  it('caches the pointer for at most 10 seconds, blobs and manifests for a year, and objects by versionId', () => {
    const policies = resourcesOf(template, 'AWS::CloudFront::CachePolicy');
    const config = (id: string) =>
      policies[id]!.Properties!.CachePolicyConfig as {
        MaxTTL: number;
        DefaultTTL: number;
        ParametersInCacheKeyAndForwardedToOrigin: {
          QueryStringsConfig: { QueryStringBehavior: string; QueryStrings?: string[] };
        };
      };
    const pointer = config(logicalId(stack, stack.cdn.pointerCachePolicy));
    const immutable = config(logicalId(stack, stack.cdn.immutableCachePolicy));
    const versioned = config(logicalId(stack, stack.cdn.versionedCachePolicy));

    expect(pointer.MaxTTL).toBeLessThanOrEqual(10);
    expect(pointer.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig.QueryStringBehavior).toBe(
      'none',
    );
    expect(immutable.DefaultTTL).toBe(365 * 24 * 3600);
    expect(immutable.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig.QueryStringBehavior).toBe(
      'none',
    );
    expect(versioned.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig).toEqual({
      QueryStringBehavior: 'whitelist',
      QueryStrings: ['versionId'],
    });
  });

  it('routes the patch layout to its cache policies and redirects every viewer to HTTPS', () => {
    const policy = (cachePolicy: IConstruct) => ({
      Ref: logicalId(stack, cachePolicy),
    });
    expect(template).toHaveResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        DefaultCacheBehavior: {
          CachePolicyId: policy(stack.cdn.versionedCachePolicy),
          ViewerProtocolPolicy: 'redirect-to-https',
        },
        CacheBehaviors: [
          {
            PathPattern: 'update/version.json',
            CachePolicyId: policy(stack.cdn.pointerCachePolicy),
            ViewerProtocolPolicy: 'redirect-to-https',
          },
          {
            PathPattern: 'update/blobs/*',
            CachePolicyId: policy(stack.cdn.immutableCachePolicy),
            ViewerProtocolPolicy: 'redirect-to-https',
          },
          {
            PathPattern: 'update/releases/*',
            CachePolicyId: policy(stack.cdn.immutableCachePolicy),
            ViewerProtocolPolicy: 'redirect-to-https',
          },
        ].map((behaviour) => Match.objectLike(behaviour)),
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
      },
    });
  });

  it('hosts the Kakao login page under login/ with a config.json pointing at the auth endpoint', () => {
    const deployments = resourcesOf(template, 'Custom::CDKBucketDeployment');
    const [, login] = onlyResource(deployments, (p) => p.DestinationBucketKeyPrefix === 'login/');
    const markers = JSON.stringify(login.SourceMarkers);

    expect(login.SourceObjectKeys).toHaveLength(2);
    expect(markers).toContain(logicalId(stack, stack.httpApi));
  });

  it('writes config.json at the bucket root without pruning the patch releases next to it', () => {
    const deployments = resourcesOf(template, 'Custom::CDKBucketDeployment');
    const [, config] = onlyResource(deployments, (p) => p.DestinationBucketKeyPrefix === undefined);

    expect(config.Prune).toBe(false);
    expect(JSON.stringify(config.SourceMarkers)).toContain(logicalId(stack, stack.identity.pool));
  });
});

describe('players and the publisher', () => {
  it('creates the identity pool with the developer provider name and no unauthenticated identities', () => {
    expect(template).toHaveResourceProperties('AWS::Cognito::IdentityPool', {
      DeveloperProviderName: 'testgame.auth',
      AllowUnauthenticatedIdentities: false,
    });
    expect(template).toHaveResourceProperties('AWS::Cognito::IdentityPoolRoleAttachment', {
      Roles: { authenticated: { 'Fn::GetAtt': [logicalId(stack, stack.identity.playerRole), 'Arn'] } },
    });
    const attachment = Object.values(resourcesOf(template, 'AWS::Cognito::IdentityPoolRoleAttachment'))[0];
    expect(JSON.stringify(attachment)).not.toContain('unauthenticated');
  });

  it('retains the identity pool with the stack, since scores are stored under its identity ids', () => {
    const pools = Object.values(resourcesOf(template, 'AWS::Cognito::IdentityPool'));

    expect(pools.map((pool) => pool.DeletionPolicy)).toEqual(['Retain']);
  });

  it('lets only authenticated identities of this pool assume the player role', () => {
    expect(template).toHaveResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRoleWithWebIdentity',
            Effect: 'Allow',
            Principal: { Federated: 'cognito-identity.amazonaws.com' },
            Condition: {
              StringEquals: {
                'cognito-identity.amazonaws.com:aud': { Ref: logicalId(stack, stack.identity.pool) },
              },
              'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
            },
          },
        ],
      },
    });
  });

  it('allows players execute-api:Invoke on exactly the three score routes and nothing else', () => {
    const statements = roleStatements(logicalId(stack, stack.identity.playerRole));
    const resources = statements.flatMap((statement) => statement.Resource as unknown[]).map(renderIntrinsic);
    const apiId = logicalId(stack, stack.httpApi);

    expect(statements.flatMap(actionsOf)).toEqual(['execute-api:Invoke']);
    expect(resources.sort()).toEqual(
      ['GET/scoreboard', 'GET/scorehistory', 'POST/scoreboard'].map(
        (route) =>
          `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${apiId}}/$default/${route}`,
      ),
    );
  });

  it('gives players no S3 permission of any kind', () => {
    const actions = roleStatements(logicalId(stack, stack.identity.playerRole)).flatMap(actionsOf);

    expect(actions.filter((action) => action.startsWith('s3:'))).toEqual([]);
  });

  it('lets the publisher put objects under the patch prefix and invalidate the distribution', () => {
    const statements = roleStatements(logicalId(stack, stack.publisherRole));
    const byAction = (action: string) =>
      statements
        .filter((statement) => actionsOf(statement).includes(action))
        .map((s) => renderIntrinsic(s.Resource));
    const bucketId = logicalId(stack, stack.cdn.bucket);
    const distributionId = logicalId(stack, stack.cdn.distribution);

    expect(byAction('s3:PutObject')).toEqual([`\${${bucketId}.Arn}/update/*`]);
    expect(byAction('s3:GetObject')).toEqual([`\${${bucketId}.Arn}/update/*`]);
    expect(byAction('s3:ListBucket')).toEqual([`\${${bucketId}.Arn}`]);
    expect(byAction('s3:GetBucketVersioning')).toEqual([`\${${bucketId}.Arn}`]);
    expect(byAction('cloudfront:CreateInvalidation')).toEqual([
      `arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/\${${distributionId}}`,
    ]);
    expect(byAction('cloudfront:GetInvalidation')).toHaveLength(1);
  });

  it('lets principals of this account assume the publisher role', () => {
    const role = (template.toJSON() as { Resources: Resources }).Resources[
      logicalId(stack, stack.publisherRole)
    ]!;

    expect(
      renderIntrinsic(
        (role.Properties!.AssumeRolePolicyDocument as { Statement: [{ Principal: { AWS: unknown } }] })
          .Statement[0].Principal.AWS,
      ),
    ).toBe('arn:${AWS::Partition}:iam::${AWS::AccountId}:root');
  });
});

describe('tables', () => {
  const tables = (): Array<[string, LocalTable]> => [
    ['testgame-scores', scoreTables()[0]!],
    ['testgame-score-distribution', scoreTables()[1]!],
    ['testgame-quiz-connections', quizTables()[0]!],
    ['testgame-quiz-rooms', quizTables()[1]!],
    ['testgame-quiz-chat', quizTables()[2]!],
  ];

  it('bills every table on demand', () => {
    const all = resourcesOf(template, 'AWS::DynamoDB::Table');

    expect(Object.keys(all)).toHaveLength(5);
    for (const table of Object.values(all)) expect(table.Properties!.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it.each(tables())('gives %s the keys, indexes and TTL its module defines', (name, definition) => {
    const [, table] = onlyResource(
      resourcesOf(template, 'AWS::DynamoDB::Table'),
      (p) => p.TableName === name,
    );
    const keySchema = [
      { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
      ...(definition.sortKey ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' }] : []),
    ];

    expect(table.KeySchema).toEqual(keySchema);
    expect(table.TimeToLiveSpecification).toEqual(
      definition.ttlAttribute ? { AttributeName: definition.ttlAttribute, Enabled: true } : undefined,
    );
    const indexes = (table.GlobalSecondaryIndexes ?? []) as Array<Record<string, unknown>>;
    expect(
      indexes.map((index) => ({
        name: index.IndexName,
        keys: index.KeySchema,
        projected: (index.Projection as { NonKeyAttributes?: string[] }).NonKeyAttributes,
      })),
    ).toEqual(
      (definition.globalSecondaryIndexes ?? []).map((index) => ({
        name: index.name,
        keys: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' }] : []),
        ],
        projected: index.projection,
      })),
    );
    const types = Object.fromEntries(
      (table.AttributeDefinitions as Array<{ AttributeName: string; AttributeType: string }>).map((a) => [
        a.AttributeName,
        a.AttributeType,
      ]),
    );
    const keys = [
      definition.partitionKey,
      definition.sortKey,
      ...(definition.globalSecondaryIndexes ?? []).flatMap((index) => [index.partitionKey, index.sortKey]),
    ].filter((key) => key !== undefined);

    expect(types).toEqual(Object.fromEntries(keys.map((key) => [key.name, key.type])));
  });

  it('streams new and old images of the scores table for the aggregator', () => {
    expect(template).toHaveResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'testgame-scores',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('keeps point-in-time recovery for the two scores tables', () => {
    for (const name of ['testgame-scores', 'testgame-score-distribution']) {
      expect(template).toHaveResourceProperties('AWS::DynamoDB::Table', {
        TableName: name,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    }
  });

  it('retains every table and the bucket when the stack is deleted, unless it is a sandbox', () => {
    const retained = [
      ...Object.values(resourcesOf(template, 'AWS::DynamoDB::Table')),
      ...Object.values(resourcesOf(template, 'AWS::S3::Bucket')),
    ] as Array<{ DeletionPolicy?: string }>;

    expect(retained.map((resource) => resource.DeletionPolicy)).toEqual(Array(6).fill('Retain'));
  });
});

describe('functions', () => {
  it('runs every game function on Node.js 24, arm64, as an ES module bundle', () => {
    for (const fn of Object.values(stack.functions)) {
      const properties = functionProperties(fn);
      expect(properties.Runtime).toBe('nodejs24.x');
      expect(properties.Architectures).toEqual(['arm64']);
      expect(properties.Handler).toBe('index.handler');
    }
  });

  it('gives the auth function the pool, the developer provider and the Kakao app ids', () => {
    const { Variables } = functionProperties(stack.functions.auth).Environment as {
      Variables: Record<string, unknown>;
    };

    expect(Variables).toMatchObject({
      IDENTITY_POOL_ID: { Ref: logicalId(stack, stack.identity.pool) },
      DEVELOPER_PROVIDER_NAME: 'testgame.auth',
      KAKAO_APP_IDS: '123456,654321',
    });
  });

  it('lets the auth function issue tokens of this identity pool only', () => {
    const statements = roleStatements(logicalId(stack, stack.functions.auth.role!));

    expect(statements.flatMap(actionsOf)).toEqual(['cognito-identity:GetOpenIdTokenForDeveloperIdentity']);
    expect(renderIntrinsic(statements[0]!.Resource)).toBe(
      `arn:\${AWS::Partition}:cognito-identity:\${AWS::Region}:\${AWS::AccountId}:identitypool/\${${logicalId(stack, stack.identity.pool)}}`,
    );
  });

  it('gives the score and quiz functions their table names', () => {
    const variables = (fn: NodejsFunction) =>
      (functionProperties(fn).Environment as { Variables: Record<string, unknown> }).Variables;
    const tableRef = (table: IConstruct) => ({ Ref: logicalId(stack, table) });

    for (const fn of [
      stack.functions.submitScore,
      stack.functions.leaderboard,
      stack.functions.scoreHistory,
    ]) {
      expect(variables(fn)).toMatchObject({
        SCORES_TABLE: tableRef(stack.tables.scores),
        SCORE_INDEX: 'byScore',
        SCORE_DISTRIBUTION_TABLE: tableRef(stack.tables.scoreDistribution),
      });
    }
    expect(variables(stack.functions.quizSocket)).toMatchObject({
      QUIZ_CONNECTIONS_TABLE: tableRef(stack.tables.quizConnections),
      QUIZ_ROOMS_TABLE: tableRef(stack.tables.quizRooms),
      QUIZ_CHAT_TABLE: tableRef(stack.tables.quizChat),
      QUIZ_ROOM_INDEX: 'byRoom',
      QUIZ_REQUIRE_TOKEN: 'false',
    });
  });

  it('maps the score stream with batch item failures and bisection, and item checkpoints that allow it', () => {
    expect(template).toHaveResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack, stack.tables.scores), 'StreamArn'] },
      FunctionName: { Ref: logicalId(stack, stack.functions.scoreStream) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(stack, stack.scoreStreamFailures), 'Arn'] } },
      },
    });
    const { Variables } = functionProperties(stack.functions.scoreStream).Environment as {
      Variables: Record<string, unknown>;
    };
    // Per-batch markers (the aggregator's default) are exactly-once only without bisection.
    expect(Variables.STREAM_CHECKPOINT).toBe('item');
  });

  it('bundles the auth handler with the auth module only: no quiz, patch or scores code', () => {
    const modules = new Set(
      bundleSources(stack.functions.auth)
        .filter((source) => source.startsWith('src/'))
        .map((source) => source.split('/')[1]),
    );

    expect([...modules].sort()).toEqual(['auth', 'core']);
  });

  it.each([
    ['submitScore', ['core', 'scores']],
    ['leaderboard', ['core', 'scores']],
    ['scoreHistory', ['core', 'scores']],
    ['scoreStream', ['core', 'scores']],
    ['quizSocket', ['core', 'hangul', 'quiz']],
  ] as const)('bundles the %s handler with its own module only', (name, expected) => {
    const modules = new Set(
      bundleSources(stack.functions[name])
        .filter((source) => source.startsWith('src/'))
        .map((source) => source.split('/')[1]),
    );

    expect([...modules].sort()).toEqual(expected);
  });

  it('leaves the AWS SDK out of every bundle (the Lambda runtime provides it)', () => {
    for (const fn of Object.values(stack.functions)) {
      expect(bundleSources(fn).filter((source) => /@aws-sdk|@smithy/.test(source))).toEqual([]);
    }
  });
});

describe('APIs', () => {
  it('requires IAM auth on the score routes and none on the Kakao login route', () => {
    const routes = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route'))
      .map((route) => route.Properties!)
      .filter(
        (route) => JSON.stringify(route.ApiId) === JSON.stringify({ Ref: logicalId(stack, stack.httpApi) }),
      )
      .map((route) => [route.RouteKey, route.AuthorizationType]);

    expect(Object.fromEntries(routes)).toEqual({
      'POST /auth/kakao': 'NONE',
      'POST /scoreboard': 'AWS_IAM',
      'GET /scoreboard': 'AWS_IAM',
      'GET /scorehistory': 'AWS_IAM',
    });
  });

  it('answers CORS preflights for the CloudFront origin with the SigV4 headers', () => {
    const api = (template.toJSON() as { Resources: Resources }).Resources[logicalId(stack, stack.httpApi)]!;
    const cors = api.Properties!.CorsConfiguration as {
      AllowOrigins: unknown[];
      AllowHeaders: string[];
      AllowMethods: string[];
    };

    expect(cors.AllowOrigins.map(renderIntrinsic)).toEqual([
      `https://\${${logicalId(stack, stack.cdn.distribution)}.DomainName}`,
    ]);
    expect(cors.AllowHeaders).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'x-amz-date', 'x-amz-security-token']),
    );
    expect(cors.AllowMethods).toEqual(expect.arrayContaining(['GET', 'POST']));
  });

  it('throttles the HTTP stage', () => {
    expect(template).toHaveResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: logicalId(stack, stack.httpApi) },
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    });
  });

  it('routes $connect, $disconnect and $default of the WebSocket API to the quiz function', () => {
    const apiRef = JSON.stringify({ Ref: logicalId(stack, stack.webSocketApi) });
    const routes = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route'))
      .map((route) => route.Properties!)
      .filter((route) => JSON.stringify(route.ApiId) === apiRef);
    const integrations = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Integration'))
      .map((integration) => integration.Properties!)
      .filter((integration) => JSON.stringify(integration.ApiId) === apiRef);

    expect(routes.map((route) => route.RouteKey).sort()).toEqual(['$connect', '$default', '$disconnect']);
    expect(integrations).toHaveLength(1);
    expect(JSON.stringify(integrations[0]!.IntegrationUri)).toContain(
      logicalId(stack, stack.functions.quizSocket),
    );
  });

  it('grants the quiz function execute-api:ManageConnections on its stage connections', () => {
    const statements = roleStatements(logicalId(stack, stack.functions.quizSocket.role!));
    const manage = statements.filter((statement) =>
      actionsOf(statement).includes('execute-api:ManageConnections'),
    );

    expect(manage.map((statement) => renderIntrinsic(statement.Resource))).toEqual([
      `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${logicalId(stack, stack.webSocketApi)}}/prod/*/@connections/*`,
    ]);
  });
});

describe('outputs', () => {
  it('outputs every endpoint and id a client or publisher needs', () => {
    const outputs = Object.keys(template.findOutputs('*'));

    expect(outputs).toEqual(
      expect.arrayContaining([
        'Region',
        'HttpApiUrl',
        'AuthEndpoint',
        'WebSocketUrl',
        'IdentityPoolId',
        'CdnDomain',
        'CdnUrl',
        'KakaoLoginPage',
        'BucketName',
        'DistributionId',
        'PatchPrefix',
        'PublisherRoleArn',
        'GameConfig',
      ]),
    );
  });

  it("outputs a config.json in the local stack's client config shape that becomes valid JSON", () => {
    const output = template.findOutputs('GameConfig').GameConfig as { Value: unknown };
    const config = JSON.parse(renderIntrinsic(output.Value)) as DeployedGameConfig;
    const api = `\${${logicalId(stack, stack.httpApi)}.ApiEndpoint}`;
    const cdn = `https://\${${logicalId(stack, stack.cdn.distribution)}.DomainName}`;

    expect(config).toEqual({
      region: '${AWS::Region}',
      httpApi: api,
      authEndpoint: `${api}/auth/kakao`,
      identityPoolId: `\${${logicalId(stack, stack.identity.pool)}}`,
      kakaoAppId: 123456,
      websocket: `wss://\${${logicalId(stack, stack.webSocketApi)}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/prod`,
      cdn,
      patchPrefix: 'update',
      kakaoLoginPage: `${cdn}/login/kakao-login.html`,
    });
  });
});

describe('a sandbox with its own origins', () => {
  let sandbox: GameKitStack;
  let sandboxTemplate: Template;

  beforeAll(() => {
    const sandboxApp = new App({
      outdir,
      context: {
        kakaoAppIds: [123456],
        prefix: 'sandbox',
        sandbox: 'true',
        allowedOrigins: 'https://game.example.com,http://127.0.0.1:8080',
        quizRequireToken: 'true',
      },
    });
    sandbox = addGameKitStack(sandboxApp);
    sandboxTemplate = Template.fromStack(sandbox);
  }, 120_000);

  it('deletes tables, bucket and identity pool with the stack and empties the bucket first', () => {
    const deletable = [
      ...Object.values(resourcesOf(sandboxTemplate, 'AWS::Cognito::IdentityPool')),
      ...Object.values(resourcesOf(sandboxTemplate, 'AWS::DynamoDB::Table')),
      ...Object.values(resourcesOf(sandboxTemplate, 'AWS::S3::Bucket')),
    ] as Array<{ DeletionPolicy?: string }>;

    expect(deletable.map((resource) => resource.DeletionPolicy)).toEqual(Array(7).fill('Delete'));
    expect(Object.keys(resourcesOf(sandboxTemplate, 'Custom::S3AutoDeleteObjects'))).toHaveLength(1);
  });

  it('leaves point-in-time recovery off', () => {
    const tables = Object.values(resourcesOf(sandboxTemplate, 'AWS::DynamoDB::Table'));
    const recovery = tables.map(
      (table) =>
        (
          table.Properties!.PointInTimeRecoverySpecification as
            { PointInTimeRecoveryEnabled?: boolean } | undefined
        )?.PointInTimeRecoveryEnabled ?? false,
    );

    expect(recovery).toEqual(Array(5).fill(false));
  });

  it('allows the origins it was given', () => {
    expect(sandboxTemplate).toHaveResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://game.example.com', 'http://127.0.0.1:8080'],
      }),
    });
  });

  it('tells the quiz function to refuse players without a token', () => {
    expect(sandboxTemplate).toHaveResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ QUIZ_REQUIRE_TOKEN: 'true' }) },
    });
  });

  it('warns at synth time that the login page lacks its Kakao keys', () => {
    const warnings = Annotations.fromStack(sandbox).findWarning(
      '*',
      Match.stringLikeRegexp('kakaoJavaScriptKey'),
    );

    expect(warnings).toHaveLength(1);
  });
});
