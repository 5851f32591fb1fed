import { Stack, Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** A policy-check rule (e.g. cdk-nag's `AwsSolutions-IAM4`) that a construct knowingly does not follow, and why. */
export interface RuleAcknowledgment {
  id: string;
  reason: string;
  /**
   * The rule's findings this covers, for rules that report each offending value (cdk-nag's
   * `AwsSolutions-IAM5[Resource::<Table.Arn>/index/*]`): `['Resource::<Table.Arn>/index/*']`. Default: the rule as a
   * whole.
   */
  appliesTo?: readonly string[];
}

/**
 * Records why a construct and everything under it knowingly break policy-check rules, with CDK's own
 * `Validations.acknowledge` (which cdk-nag and other validation plugins read), so the constructs never load a checker.
 *
 * @param scope - The construct the acknowledgments cover, with its children.
 * @param rules - Rule ids, the findings they cover and their reasons.
 * @example
 * ```ts
 * acknowledgeRules(queue, [{ id: 'AwsSolutions-SQS3', reason: 'It is the dead-letter queue.' }]);
 * ```
 */
export function acknowledgeRules(scope: IConstruct, rules: readonly RuleAcknowledgment[]): void {
  Validations.of(scope).acknowledge(
    ...rules.flatMap((rule) =>
      rule.appliesTo === undefined
        ? [{ id: rule.id, reason: rule.reason }]
        : rule.appliesTo.map((finding) => ({ id: `${rule.id}[${finding}]`, reason: rule.reason })),
    ),
  );
}

/**
 * How cdk-nag writes a resource's ARN attribute in a finding: `<LogicalId.Arn>`.
 *
 * @param resource - An L1 resource, or an L2 construct whose default child is one.
 * @returns E.g. `<GameScoresTable1234.Arn>`.
 * @example
 * ```ts
 * const finding = `Resource::${arnFinding(table)}/index/*`;
 * ```
 */
export function arnFinding(resource: IConstruct): string {
  const element = (resource.node.defaultChild ?? resource) as Parameters<Stack['getLogicalId']>[0];
  return `<${Stack.of(resource).getLogicalId(element)}.Arn>`;
}

/** The managed policy every Lambda function's role gets for its own logs. */
export const LAMBDA_BASIC_EXECUTION_FINDING =
  'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

/**
 * How cdk-nag writes the stack's region and account inside an ARN finding: the value when the stack has an
 * environment, `<AWS::Region>` / `<AWS::AccountId>` otherwise.
 *
 * @param scope - Any construct of the stack.
 * @returns `{ region, account }` as they appear in findings.
 * @example
 * ```ts
 * const { region, account } = environmentFinding(this);
 * ```
 */
export function environmentFinding(scope: IConstruct): { region: string; account: string } {
  const stack = Stack.of(scope);
  return {
    region: Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region,
    account: Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account,
  };
}
