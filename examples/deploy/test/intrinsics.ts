/**
 * Test helpers: render CloudFormation values with placeholders for what only exists at deploy time, so a test can
 * read a synthesized output (`Fn::Join` of strings, `Ref`s and `Fn::GetAtt`s) as the string it will become.
 */

/**
 * Renders a CloudFormation value: `{Ref: X}` → `${X}`, `{Fn::GetAtt: [X, A]}` → `${X.A}`, `Fn::Join` joined.
 *
 * @param value - A synthesized template value.
 * @returns The string with `${…}` placeholders.
 * @throws {Error} on an intrinsic it does not know.
 * @example
 * ```ts
 * renderIntrinsic({ 'Fn::Join': ['', ['https://', { Ref: 'Api' }, '/x']] }); // 'https://${Api}/x'
 * ```
 */
export function renderIntrinsic(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, unknown>;
    if (typeof object.Ref === 'string') return `\${${object.Ref}}`;
    const getAtt = object['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `\${${getAtt.map(String).join('.')}}`;
    const join = object['Fn::Join'];
    if (Array.isArray(join)) {
      const [separator, parts] = join as [string, unknown[]];
      return parts.map(renderIntrinsic).join(separator);
    }
  }
  throw new Error(`Cannot render ${JSON.stringify(value)}`);
}

/**
 * Finds the only resource of a type whose properties satisfy a predicate.
 *
 * @param resources - `template.findResources(type)`.
 * @param predicate - Picks the resource by its properties.
 * @returns `[logicalId, properties]`.
 * @throws {Error} unless exactly one resource matches.
 * @example
 * ```ts
 * const [id, table] = onlyResource(template.findResources('AWS::DynamoDB::Table'), (p) => p.TableName === 'x');
 * ```
 */
export function onlyResource(
  resources: Record<string, { Properties?: Record<string, unknown> }>,
  predicate: (properties: Record<string, unknown>) => boolean,
): [string, Record<string, unknown>] {
  const matches = Object.entries(resources).filter(([, resource]) => predicate(resource.Properties ?? {}));
  if (matches.length !== 1) throw new Error(`Expected one matching resource, found ${matches.length}.`);
  const [id, resource] = matches[0]!;
  return [id, resource.Properties ?? {}];
}
