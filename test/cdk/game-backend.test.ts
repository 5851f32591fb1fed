import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { GameBackend } from '../../src/cdk/index.js';
import type { TableDefinition } from '../../src/core/table-definition.js';
import type { GameClientConfig } from '../../src/local/game-stack.js';
import { quizTables } from '../../src/quiz/tables.js';
import './cdk-matchers.js';
import { scoreTables } from '../../src/scores/table.js';
import {
  actionsOf,
  awsSolutionsFindings,
  resourcesOf,
  roleStatements,
  synthesizeOnce,
  renderIntrinsic,
} from './support.js';

let game: GameBackend;

const synth = synthesizeOnce('mygame', (stack, bundles) => {
  game = new GameBackend(stack, 'Game', {
    kakaoAppIds: [123456, 654321],
    functionSettings: { bundleDirectory: bundles.directory },
  });
});

const allFunctions = () => [game.auth.function, ...Object.values(game.scores.functions), game.quiz.function];

/** The synthesized table as a TableDefinition, to compare with the module's own. */
function deployedDefinition(properties: Record<string, unknown>): TableDefinition {
  const types = new Map(
    (properties.AttributeDefinitions as Array<{ AttributeName: string; AttributeType: 'S' | 'N' | 'B' }>).map(
      (a) => [a.AttributeName, a.AttributeType],
    ),
  );
  const keys = (schema: Array<{ AttributeName: string; KeyType: string }>) => {
    const key = (type: string) => {
      const name = schema.find((k) => k.KeyType === type)?.AttributeName;
      return name === undefined ? undefined : { name, type: types.get(name)! };
    };
    return { partitionKey: key('HASH')!, ...(key('RANGE') ? { sortKey: key('RANGE')! } : {}) };
  };
  const indexes = (properties.GlobalSecondaryIndexes ?? []) as Array<{
    IndexName: string;
    KeySchema: Array<{ AttributeName: string; KeyType: string }>;
    Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
  }>;
  const stream = (properties.StreamSpecification as { StreamViewType: TableDefinition['stream'] } | undefined)
    ?.StreamViewType;
  const ttl = (properties.TimeToLiveSpecification as { AttributeName: string } | undefined)?.AttributeName;
  return {
    name: properties.TableName as string,
    ...keys(properties.KeySchema as Array<{ AttributeName: string; KeyType: string }>),
    ...(indexes.length > 0
      ? {
          globalSecondaryIndexes: indexes.map((index) => ({
            name: index.IndexName,
            ...keys(index.KeySchema),
            projection:
              index.Projection.ProjectionType === 'INCLUDE'
                ? index.Projection.NonKeyAttributes!
                : (index.Projection.ProjectionType as 'ALL' | 'KEYS_ONLY'),
          })),
        }
      : {}),
    ...(stream ? { stream } : {}),
    ...(ttl ? { ttlAttribute: ttl } : {}),
  };
}

/** A module definition with the defaults spelled out (`projection` ALL), as the deployed one reads back. */
const normalised = (definition: TableDefinition): TableDefinition => ({
  ...definition,
  ...(definition.globalSecondaryIndexes
    ? {
        globalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
          ...index,
          projection: index.projection ?? 'ALL',
        })),
      }
    : {}),
});

describe('tables', () => {
  it('deploys exactly the tables the scores and quiz modules define: keys, indexes, streams, TTL', () => {
    const deployed = Object.values(resourcesOf(synth.template, 'AWS::DynamoDB::Table'))
      .map((table) => deployedDefinition(table.Properties!))
      .sort((a, b) => a.name.localeCompare(b.name));
    const expected = [...scoreTables(game.scores.tableConfig), ...quizTables(game.quiz.tableNames)]
      .map(normalised)
      .sort((a, b) => a.name.localeCompare(b.name));

    expect(deployed).toEqual(expected);
    expect(deployed.map((table) => table.name)).toEqual(
      expect.arrayContaining(['mygame-GameScores', 'mygame-GameScoreDistribution', 'mygame-quiz-rooms']),
    );
  });

  it('bills on demand, retains every table and keeps point-in-time recovery for the scores tables', () => {
    const tables = Object.values(resourcesOf(synth.template, 'AWS::DynamoDB::Table'));
    const recovered = tables
      .filter(
        (table) =>
          (table.Properties!.PointInTimeRecoverySpecification as { PointInTimeRecoveryEnabled: boolean })
            .PointInTimeRecoveryEnabled,
      )
      .map((table) => table.Properties!.TableName)
      .sort();

    expect(tables.map((table) => table.Properties!.BillingMode)).toEqual(Array(5).fill('PAY_PER_REQUEST'));
    expect(tables.map((table) => table.DeletionPolicy)).toEqual(Array(5).fill('Retain'));
    expect(recovered).toEqual(['mygame-GameScoreDistribution', 'mygame-GameScores']);
  });

  it('gives every scores handler the prefixed table names and the quiz handler its own', () => {
    const variablesOf = (fn: IConstruct) =>
      (
        synth.template.toJSON() as {
          Resources: Record<string, { Properties: { Environment: { Variables: Record<string, unknown> } } }>;
        }
      ).Resources[synth.logicalId(fn)]!.Properties.Environment.Variables;
    const options = (fn: IConstruct) =>
      JSON.parse(renderIntrinsic(variablesOf(fn).SGK_HANDLER_OPTIONS)) as Record<string, unknown>;

    for (const fn of Object.values(game.scores.functions)) {
      expect(options(fn).tables).toEqual({
        scoresTable: 'mygame-GameScores',
        scoreIndex: 'byScore',
        distributionTable: 'mygame-GameScoreDistribution',
        attributes: { board: 'board', player: 'playerId', score: 'score' },
      });
    }
    expect(options(game.scores.functions.submitScore).rateLimit).toEqual({
      maxSubmissions: 30,
      windowSeconds: 60,
    });
    expect(options(game.scores.functions.scoreStream).checkpoint).toBe('shard');
    // Cursors are signed with a key unique to the deployment (the stack id), never a constant in the bundle.
    for (const fn of [game.scores.functions.leaderboard, game.scores.functions.scoreHistory]) {
      expect(variablesOf(fn).SCORES_CURSOR_KEY).toEqual({ Ref: 'AWS::StackId' });
    }
    expect(variablesOf(game.scores.functions.submitScore)).not.toHaveProperty('SCORES_CURSOR_KEY');
    expect(options(game.quiz.function).tables).toEqual({
      connections: 'mygame-quiz-connections',
      rooms: 'mygame-quiz-rooms',
      chat: 'mygame-quiz-chat',
      byRoomIndex: 'byRoom',
    });
    expect(options(game.quiz.function).identityPoolId).toBe(`\${${synth.logicalId(game.auth.identityPool)}}`);
  });
});

describe('IAM', () => {
  it('lets players invoke the three score routes of the $default stage and nothing else', () => {
    const statements = roleStatements(synth.template, synth.logicalId(game.auth.playerRole));
    const resources = statements.flatMap((statement) => statement.Resource as unknown[]);
    const apiId = synth.logicalId(game.httpApi.api);

    expect(statements.flatMap(actionsOf)).toEqual(['execute-api:Invoke']);
    expect(resources.map((resource) => JSON.stringify(resource)).sort()).toEqual(
      ['GET/scoreboard', 'GET/scorehistory', 'POST/scoreboard'].map((route) =>
        JSON.stringify({
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':execute-api:ap-northeast-2:123456789012:',
              { Ref: apiId },
              `/$default/${route}`,
            ],
          ],
        }),
      ),
    );
  });

  it('lets only authenticated identities of the pool assume the player role; no unauthenticated role', () => {
    expect(synth.template).toHaveResourceProperties('AWS::Cognito::IdentityPool', {
      DeveloperProviderName: 'mygame.auth',
      AllowUnauthenticatedIdentities: false,
    });
    expect(synth.template).toHaveResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: {
                'cognito-identity.amazonaws.com:aud': { Ref: synth.logicalId(game.auth.identityPool) },
              },
              'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
            },
          }),
        ],
      },
    });
    expect(
      JSON.stringify(resourcesOf(synth.template, 'AWS::Cognito::IdentityPoolRoleAttachment')),
    ).not.toContain('unauthenticated');
  });

  it('grants execute-api:ManageConnections to the quiz function only, on its own stage', () => {
    const holders = Object.values(resourcesOf(synth.template, 'AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties!.PolicyDocument).includes('execute-api:ManageConnections'),
    );

    expect(holders.map((policy) => policy.Properties!.Roles)).toEqual([
      [{ Ref: synth.logicalId(game.quiz.function.role!) }],
    ]);
    expect(JSON.stringify(holders[0]!.Properties!.PolicyDocument)).toContain(
      `{"Ref":"${synth.logicalId(game.quiz.webSocketApi)}"},"/prod/*/@connections/*"`,
    );
  });

  it('lets the auth function issue tokens of this pool only, and touch no table', () => {
    const statements = roleStatements(synth.template, synth.logicalId(game.auth.function.role!));

    expect(statements.flatMap(actionsOf)).toEqual(['cognito-identity:GetOpenIdTokenForDeveloperIdentity']);
    expect(JSON.stringify(statements[0]!.Resource)).toContain(synth.logicalId(game.auth.identityPool));
  });

  it('gives each scores function only the tables it uses', () => {
    const tablesOf = (fn: IConstruct) => {
      const text = JSON.stringify(
        roleStatements(synth.template, synth.logicalId((fn as typeof game.auth.function).role!)),
      );
      return Object.entries(game.scores.tables)
        .filter(([, table]) => text.includes(synth.logicalId(table)))
        .map(([setting]) => setting);
    };
    const writes = (fn: typeof game.auth.function) =>
      roleStatements(synth.template, synth.logicalId(fn.role!))
        .flatMap(actionsOf)
        .some((action) => action === 'dynamodb:PutItem');

    expect(tablesOf(game.scores.functions.submitScore)).toEqual(['scoresTable']);
    expect(tablesOf(game.scores.functions.leaderboard)).toEqual(['scoresTable', 'distributionTable']);
    expect(tablesOf(game.scores.functions.scoreHistory)).toEqual(['distributionTable']);
    expect(tablesOf(game.scores.functions.scoreStream)).toEqual(['scoresTable', 'distributionTable']);
    expect(writes(game.scores.functions.leaderboard)).toBe(false);
    expect(writes(game.scores.functions.scoreHistory)).toBe(false);
  });
});

describe('functions and routes', () => {
  it('runs every function from its prebuilt bundle on Node.js 24, arm64, with source maps', () => {
    for (const fn of allFunctions()) {
      const properties = (
        synth.template.toJSON() as { Resources: Record<string, { Properties: Record<string, unknown> }> }
      ).Resources[synth.logicalId(fn)]!.Properties;
      expect(properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
      });
    }
  });

  it('maps the score stream with batch item failures, bisection, retries and a dead-letter queue', () => {
    expect(synth.template).toHaveResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [synth.logicalId(game.scores.scoresTable), 'StreamArn'] },
      FunctionName: { Ref: synth.logicalId(game.scores.functions.scoreStream) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      ParallelizationFactor: 1,
      TumblingWindowInSeconds: 1,
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [synth.logicalId(game.scores.streamFailures), 'Arn'] } },
      },
    });
    expect(Object.keys(resourcesOf(synth.template, 'AWS::Lambda::EventSourceMapping'))).toHaveLength(1);
  });

  it('requires IAM auth on the score routes and none on the Kakao sign-in, on one HTTP API', () => {
    const apiRef = JSON.stringify({ Ref: synth.logicalId(game.httpApi.api) });
    const routes = Object.values(resourcesOf(synth.template, 'AWS::ApiGatewayV2::Route'))
      .map((route) => route.Properties!)
      .filter((route) => JSON.stringify(route.ApiId) === apiRef)
      .map((route) => [route.RouteKey, route.AuthorizationType]);

    expect(Object.fromEntries(routes)).toEqual({
      'POST /auth/kakao': 'NONE',
      'POST /scoreboard': 'AWS_IAM',
      'GET /scoreboard': 'AWS_IAM',
      'GET /scorehistory': 'AWS_IAM',
    });
  });

  it('lets a browser read retry-after and the request id of cross-origin answers', () => {
    expect(synth.template).toHaveResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: { ExposeHeaders: ['retry-after', 'x-amzn-requestid', 'apigw-requestid'] },
    });
  });

  it('throttles both stages and logs HTTP API access', () => {
    expect(synth.template).toHaveResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [synth.logicalId(game.httpApi.accessLogs), 'Arn'] },
      },
    });
    expect(synth.template).toHaveResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'prod',
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    });
  });
});

describe('patch delivery', () => {
  it('caches the pointer at most 10 s, blobs and releases a year, everything else by versionId', () => {
    const config = (policy: IConstruct) =>
      resourcesOf(synth.template, 'AWS::CloudFront::CachePolicy')[synth.logicalId(policy)]!.Properties!
        .CachePolicyConfig as {
        MaxTTL: number;
        DefaultTTL: number;
        ParametersInCacheKeyAndForwardedToOrigin: { QueryStringsConfig: unknown };
      };
    const { pointer, immutable, versioned } = game.patches.cachePolicies;

    expect(config(pointer).MaxTTL).toBe(10);
    expect(config(immutable).DefaultTTL).toBe(365 * 24 * 3600);
    expect(config(immutable).ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig).toEqual({
      QueryStringBehavior: 'none',
    });
    expect(config(versioned).ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig).toEqual({
      QueryStringBehavior: 'whitelist',
      QueryStrings: ['versionId'],
    });
    expect(synth.template).toHaveResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({ CachePolicyId: { Ref: synth.logicalId(versioned) } }),
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: 'update/version.json',
            CachePolicyId: { Ref: synth.logicalId(pointer) },
          }),
          Match.objectLike({
            PathPattern: 'update/blobs/*',
            CachePolicyId: { Ref: synth.logicalId(immutable) },
          }),
          Match.objectLike({
            PathPattern: 'update/releases/*',
            CachePolicyId: { Ref: synth.logicalId(immutable) },
          }),
        ],
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
      }),
    });
  });

  it('keeps the bucket private and versioned, and lets the publisher write only under the patch prefix', () => {
    expect(synth.template).toHaveResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    const statements = roleStatements(synth.template, synth.logicalId(game.patches.publisherRole));
    const put = statements.filter((statement) => actionsOf(statement).includes('s3:PutObject'));

    expect(put.map((statement) => JSON.stringify(statement.Resource))).toEqual([
      JSON.stringify({
        'Fn::Join': ['', [{ 'Fn::GetAtt': [synth.logicalId(game.patches.bucket), 'Arn'] }, '/update/*']],
      }),
    ]);
    expect(statements.flatMap(actionsOf)).toEqual(
      expect.arrayContaining([
        's3:ListBucket',
        'cloudfront:CreateInvalidation',
        'cloudfront:GetInvalidation',
      ]),
    );
  });
});

describe('outputs', () => {
  it("outputs a GameConfig in the local stack's client config shape", () => {
    const outputs = synth.template.findOutputs('*') as Record<
      string,
      { Value: unknown; Description: string }
    >;
    const [, gameConfig] = Object.entries(outputs).find(([id]) => id.startsWith('GameGameConfig'))!;
    const config: GameClientConfig = game.config;

    expect(JSON.stringify(gameConfig.Value)).toContain('\\"kakaoAppId\\":123456');
    expect(Object.keys(config).sort()).toEqual([
      'authEndpoint',
      'cdn',
      'httpApi',
      'identityPoolId',
      'kakaoAppId',
      'patchPrefix',
      'region',
      'websocket',
    ]);
    expect(
      Object.keys(outputs)
        .map((id) => id.replace(/^Game|[0-9A-F]{8}$/g, ''))
        .sort(),
    ).toEqual([
      'BucketName',
      'CdnUrl',
      'DistributionId',
      'GameConfig',
      'HttpApiUrl',
      'IdentityPoolId',
      'PublisherRoleArn',
      'ScoreStreamFailuresQueue',
      'WebSocketUrl',
    ]);
  });
});

describe('policy checks and the template', () => {
  it('passes cdk-nag AwsSolutions with every exception acknowledged in the constructs', () => {
    expect(awsSolutionsFindings(synth.stack)).toEqual([]);
  });

  it('matches the snapshot (asset hashes normalised)', () => {
    const text = JSON.stringify(synth.template.toJSON(), null, 2).replace(
      /[0-9a-f]{64}(\.zip|\.json)?/g,
      '<asset>$1',
    );

    expect(Object.keys(resourcesOf(synth.template, 'AWS::Lambda::Function'))).toHaveLength(6);
    expect(text).toMatchSnapshot();
  });
});
