/**
 * Handler factory options minus what cannot travel as JSON in a function's environment (clients, callbacks,
 * clocks) and minus what the construct sets itself (tables, identity pool).
 */
export type JsonHandlerOptions<Options> = Omit<
  Options,
  | 'tables'
  | 'dynamodb'
  | 'dynamoDBClient'
  | 'dynamoDBDocumentClient'
  | 'documentClient'
  | 'apiGatewayManagementApiClient'
  | 'managementClient'
  | 'managementEndpoint'
  | 'cognitoIdentityClient'
  | 'fetch'
  | 'logger'
  | 'log'
  | 'now'
  | 'onSummary'
  | 'resolvePlayer'
  | 'verifyToken'
  | 'loadWords'
  | 'identityPoolId'
  | 'developerProviderName'
  | 'kakaoAppIds'
>;

/**
 * Checks that handler options survive `JSON.stringify` unchanged (plain objects, arrays, strings, finite numbers,
 * booleans, null; CloudFormation tokens are strings), so a function never starts with options that silently lost a
 * callback or a class instance on the way.
 *
 * @param options - The options the construct will write to the function's environment.
 * @param where - Names the option in the error, e.g. `GameScores handlerOptions.submitScore`.
 * @throws {TypeError} naming the first value that is not plain JSON.
 * @example
 * ```ts
 * assertJsonOptions({ maxLimit: 100 }, 'GameScores handlerOptions.leaderboard');
 * ```
 */
export function assertJsonOptions(options: unknown, where: string): void {
  const problem = firstNonJson(options, where);
  if (problem !== undefined) {
    throw new TypeError(
      `${problem} cannot be passed to a deployed function (only JSON values travel in its environment); ` +
        'replace the function code to use it.',
    );
  }
}

function firstNonJson(value: unknown, path: string): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} (${value})`;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const problem = firstNonJson(item, `${path}[${index}]`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      const problem = firstNonJson(item, `${path}.${key}`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  return `${path} (a ${typeof value === 'object' ? 'class instance' : typeof value})`;
}
