import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
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
