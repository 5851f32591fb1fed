import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { Code } from 'aws-cdk-lib/aws-lambda';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { prefixTableNames } from '../../src/cdk/dynamodb-tables.js';
import {
  defaultHandlerBundleDirectory,
  GameAuth,
  GamePatchCdn,
  GameScores,
  QuizRealtime,
} from '../../src/cdk/index.js';
import { scoreTables } from '../../src/scores/table.js';
import './cdk-matchers.js';
import {
  actionsOf,
  REPO_ROOT,
  renderIntrinsic,
  resourcesOf,
  roleStatements,
  synthesizeOnce,
  testStack,
} from './support.js';

let scores: GameScores;
let quiz: QuizRealtime;
let cdn: GamePatchCdn;
let ci: Role;
const WORDS = ['사과', '사람', '사랑', '서랍'];

const synth = synthesizeOnce('composed', (stack, bundles) => {
  const functionSettings = {
    bundleDirectory: bundles.directory,
    code: {
      leaderboard: {
        code: Code.fromInline('export const handler = async () => ({});'),
        handler: 'index.handler',
      },
    },
  };
  scores = new GameScores(stack, 'Scores', {
    tables: { scoresTable: 'Plays' },
    tableSettings: { namePrefix: 'x-', pointInTimeRecovery: false },
    rateLimit: false,
    stream: { bisectBatchOnError: false, batchSize: 50 },
    handlerOptions: { leaderboard: { maxLimit: 50 } },
    functionSettings,
  });
  quiz = new QuizRealtime(stack, 'Quiz', {
    words: WORDS,
    identityPoolId: 'ap-northeast-2:pool',
    requireToken: true,
    functionSettings,
  });
  cdn = new GamePatchCdn(stack, 'Cdn', { patchPrefix: 'patches/live' });
  ci = new Role(stack, 'Ci', { assumedBy: new AccountRootPrincipal() });
  cdn.grantPublish(ci);
});

const functionProperties = (fn: IConstruct) =>
  resourcesOf(synth.template, 'AWS::Lambda::Function')[synth.logicalId(fn)]!.Properties!;
const handlerOptions = (fn: IConstruct) =>
  JSON.parse(
    renderIntrinsic(
      (functionProperties(fn).Environment as { Variables: Record<string, unknown> }).Variables
        .SGK_HANDLER_OPTIONS,
    ),
  ) as Record<string, unknown>;

describe('composed constructs with their options', () => {
  it('deploys renamed, prefixed tables from the same definitions the handlers get', () => {
    const names = Object.values(resourcesOf(synth.template, 'AWS::DynamoDB::Table')).map(
      (t) => t.Properties!.TableName,
    );

    expect(scoreTables(scores.tableConfig).map((t) => t.name)).toEqual([
      'x-Plays',
      'x-GameScoreDistribution',
    ]);
    expect(names).toEqual(
      expect.arrayContaining(['x-Plays', 'x-GameScoreDistribution', 'composed-quiz-rooms']),
    );
    expect(handlerOptions(scores.functions.submitScore).tables).toEqual(scores.tableConfig);
  });

  it('turns the rate limit off, and keeps shard checkpoints with bisection off', () => {
    expect(handlerOptions(scores.functions.submitScore)).not.toHaveProperty('rateLimit');
    expect(handlerOptions(scores.functions.scoreStream).checkpoint).toBe('shard');
    expect(synth.template).toHaveResourceProperties('AWS::Lambda::EventSourceMapping', {
      BisectBatchOnFunctionError: false,
      BatchSize: 50,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('runs replaced code with the construct’s environment, role and route', () => {
    const leaderboard = functionProperties(scores.functions.leaderboard);

    expect((leaderboard.Code as { ZipFile: string }).ZipFile).toContain('export const handler');
    expect(handlerOptions(scores.functions.leaderboard)).toMatchObject({ maxLimit: 50 });
    expect(
      JSON.stringify(roleStatements(synth.template, synth.logicalId(scores.functions.leaderboard.role!))),
    ).toContain(synth.logicalId(scores.scoresTable));
  });

  it('ships the word pack next to the quiz handler and verifies tokens of the pool', () => {
    const asset = quiz.function.node.findChild('Code') as Asset;
    const words = JSON.parse(
      readFileSync(join(synth.outdir, asset.assetPath, 'words.json'), 'utf8'),
    ) as string[];

    expect(words).toEqual(WORDS);
    expect(handlerOptions(quiz.function)).toMatchObject({
      identityPoolId: 'ap-northeast-2:pool',
      requireToken: true,
    });
  });

  it('grants publishing under a nested patch prefix to another principal', () => {
    const statements = roleStatements(synth.template, synth.logicalId(ci));

    expect(statements.flatMap(actionsOf)).toEqual(
      expect.arrayContaining(['s3:PutObject', 's3:ListBucket', 'cloudfront:CreateInvalidation']),
    );
    expect(JSON.stringify(statements)).toContain('"/patches/live/*"');
    expect(synth.template).toHaveResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: Match.arrayWith([Match.objectLike({ PathPattern: 'patches/live/version.json' })]),
      }),
    });
  });
});

describe('refusals at synth time', () => {
  const fresh = () => testStack(synth.outdir, 'refusals');

  it('refuses handler options that are not plain JSON, naming the option', () => {
    expect(
      () =>
        new GameScores(fresh(), 'Scores', {
          handlerOptions: {
            submitScore: { boards: { global: { mode: 'best', order: 'desc' } }, extra: () => 1 } as never,
          },
          functionSettings: { bundleDirectory: synth.bundles.directory },
        }),
    ).toThrow(/SubmitScoreFunction options\.extra \(a function\) cannot be passed/);
  });

  it('says how to get the handler bundles when they are missing', () => {
    expect(
      () =>
        new GameAuth(fresh(), 'Auth', {
          kakaoAppIds: [1],
          functionSettings: { bundleDirectory: join(synth.outdir, 'none') },
        }),
    ).toThrow(/auth handler bundle is missing .*npm run build/);
  });

  it('refuses an empty Kakao app list, a bad word pack and requireToken without a pool', () => {
    const settings = { functionSettings: { bundleDirectory: synth.bundles.directory } };

    expect(() => new GameAuth(fresh(), 'Auth', { kakaoAppIds: [], ...settings })).toThrow(
      /at least one Kakao app id/,
    );
    expect(() => new QuizRealtime(fresh(), 'Quiz', { words: ['apple'], ...settings })).toThrow(
      /QuizRealtime words/,
    );
    expect(() => new QuizRealtime(fresh(), 'Quiz', { requireToken: true, ...settings })).toThrow(
      /identityPoolId/,
    );
  });
});

describe('table names and bundles', () => {
  it('prefixes every table a module names, including ones it adds later, and leaves indexes alone', () => {
    const settings = {
      scoresTable: 'A',
      histogramTable: 'H',
      scoreIndex: 'byScore',
      attributes: { board: 'A' },
    };

    expect(prefixTableNames(settings, new Set(['A', 'H']), 'p-')).toEqual({
      scoresTable: 'p-A',
      histogramTable: 'p-H',
      scoreIndex: 'byScore',
      attributes: { board: 'A' },
    });
  });

  it('finds the bundles shipped in the package at <package>/dist/lambda', () => {
    expect(defaultHandlerBundleDirectory()).toBe(join(REPO_ROOT, 'dist', 'lambda'));
  });
});
