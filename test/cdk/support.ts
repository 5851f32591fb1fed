import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll } from 'vitest';
import { buildHandlerBundles, type HandlerBundleSizes } from '../../src/cdk/build-handler-bundles.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Prebuilt handler bundles in a temporary directory, built exactly as `npm run build` builds them. */
export interface TestBundles {
  directory: string;
  sizes: HandlerBundleSizes;
  remove: () => void;
}

/**
 * Builds the handler bundles once for a test file.
 *
 * @returns Their directory, sizes and a cleanup.
 */
export async function buildTestBundles(): Promise<TestBundles> {
  const root = mkdtempSync(join(tmpdir(), 'sgk-cdk-'));
  const directory = join(root, 'lambda');
  const sizes = await buildHandlerBundles(directory, REPO_ROOT);
  return { directory, sizes, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** A stack in an app that writes its assets to a temporary directory. */
export function testStack(outdir: string, id = 'mygame'): Stack {
  const app = new App({ outdir });
  return new Stack(app, id, { env: { account: '123456789012', region: 'ap-northeast-2' } });
}

/** A stack built and synthesized once for a test file, with the bundles and folder it was built with. */
export interface SynthesizedSuite {
  readonly bundles: TestBundles;
  /** The app's asset folder (removed after the file's tests). */
  readonly outdir: string;
  readonly stack: Stack;
  readonly template: Template;
  /** The logical id of a construct (or of its default child) in the stack. */
  logicalId: (construct: IConstruct) => string;
}

/**
 * Registers the file's `beforeAll` (build the handler bundles, build the stack with `build`, synthesize it) and
 * `afterAll` (remove the bundles and the asset folder).
 *
 * @example
 * ```ts
 * import { GameBackend } from 'serverless-game-kit/cdk';
 *
 * let game: GameBackend;
 * const synth = synthesizeOnce('mygame', (stack, bundles) => {
 *   game = new GameBackend(stack, 'Game', { functionSettings: { bundleDirectory: bundles.directory } });
 * });
 * ```
 */
export function synthesizeOnce(
  id: string,
  build: (stack: Stack, bundles: TestBundles) => void,
): SynthesizedSuite {
  let built: Omit<SynthesizedSuite, 'logicalId'> | undefined;
  const ready = (): Omit<SynthesizedSuite, 'logicalId'> => {
    if (!built) throw new Error('the stack is synthesized in beforeAll; use it inside a test');
    return built;
  };
  let bundles: TestBundles | undefined;
  let outdir: string | undefined;
  beforeAll(async () => {
    bundles = await buildTestBundles();
    outdir = mkdtempSync(join(tmpdir(), 'sgk-cdk-out-'));
    const stack = testStack(outdir, id);
    build(stack, bundles);
    built = { bundles, outdir, stack, template: Template.fromStack(stack) };
  }, 180_000);
  afterAll(() => {
    bundles?.remove();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });
  return {
    get bundles() {
      return ready().bundles;
    },
    get outdir() {
      return ready().outdir;
    },
    get stack() {
      return ready().stack;
    },
    get template() {
      return ready().template;
    },
    logicalId: (construct) =>
      ready().stack.getLogicalId(
        CfnElement.isCfnElement(construct) ? construct : (construct.node.defaultChild as CfnElement),
      ),
  };
}

export type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; Metadata?: unknown }
>;
export type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** The resources of a type, typed (`findResources` answers `any`). */
export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

export const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** Every statement of the inline policies attached to a role (by its logical id). */
export function roleStatements(template: Template, roleId: string): Statement[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties?.Roles).includes(`"Ref":"${roleId}"`))
    .flatMap((policy) => (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** cdk-nag's AwsSolutions findings that no acknowledgment covers: `rule @ construct path`. */
export function awsSolutionsFindings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks().validateScope(scope);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.ruleName} @ ${resource.constructPath}`),
  );
}

/**
 * Renders a synthesized value as the string it becomes at deploy time: `{Ref: X}` → `${X}`, `{Fn::GetAtt: [X, A]}`
 * → `${X.A}`, `Fn::Join` joined.
 */
export function renderIntrinsic(value: unknown): string {
  if (typeof value === 'string') return value;
  const object = (value ?? {}) as Record<string, unknown>;
  if (typeof object.Ref === 'string') return `\${${object.Ref}}`;
  const getAtt = object['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return `\${${getAtt.map(String).join('.')}}`;
  const join = object['Fn::Join'];
  if (Array.isArray(join)) {
    const [separator, parts] = join as [string, unknown[]];
    return parts.map(renderIntrinsic).join(separator);
  }
  throw new Error(`Cannot render ${JSON.stringify(value)}`);
}
