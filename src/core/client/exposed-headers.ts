/**
 * Response headers a browser game reads from the game API besides the CORS-safelisted ones: `retry-after` (how long
 * to back off after a 429) and the request id (`x-amzn-requestid`, `apigw-requestid`) that errors carry for
 * support. A cross-origin page sees them only when the API's CORS configuration exposes them
 * (`Access-Control-Expose-Headers`), so the CDK construct and the local stack both list these.
 *
 * @example
 * ```ts
 * new HttpApi(scope, 'Api', { corsPreflight: { allowOrigins: ['*'], exposeHeaders: [...GAME_API_EXPOSED_HEADERS] } });
 * ```
 */
export const GAME_API_EXPOSED_HEADERS: readonly string[] = Object.freeze([
  'retry-after',
  'x-amzn-requestid',
  'apigw-requestid',
]);
