/**
 * Route selection of a WebSocket API, as API Gateway does it with a `routeSelectionExpression` of the form
 * `$request.body.<path>` (also written `${request.body.<path>}`): the message body is parsed as JSON, the value at
 * the dotted path is the route key when it is a string naming a configured route, and `$default` otherwise.
 */

/**
 * The route key of messages that match no other route.
 *
 * @example
 * ```ts
 * routes.get(DEFAULT_ROUTE_KEY);
 * ```
 */
export const DEFAULT_ROUTE_KEY = '$default';

/**
 * The expression API Gateway proposes, and the gateway's default.
 *
 * @example
 * ```ts
 * parseRouteSelectionExpression(DEFAULT_ROUTE_SELECTION_EXPRESSION); // ['action']
 * ```
 */
export const DEFAULT_ROUTE_SELECTION_EXPRESSION = '$request.body.action';

/** A message can never select the lifecycle routes. */
const RESERVED_ROUTE_KEYS: ReadonlySet<string> = new Set(['', '$connect', '$disconnect']);

const EXPRESSION = /^(?:\$request\.body\.(?<plain>.+)|\$\{request\.body\.(?<braced>.+)\})$/;
const SEGMENT = /^[A-Za-z0-9_$-]+$/;

/**
 * Parses a route selection expression into the property path it selects, or returns `undefined` when the
 * expression is not one of the supported forms (`$request.body.a.b`, `${request.body.a.b}`).
 *
 * @param expression - The API's `routeSelectionExpression`.
 * @returns The property names to follow from the message body, e.g. `['action']`.
 * @example
 * ```ts
 * parseRouteSelectionExpression('$request.body.action'); // ['action']
 * parseRouteSelectionExpression('${request.body.game.type}'); // ['game', 'type']
 * ```
 */
export function parseRouteSelectionExpression(expression: string): string[] | undefined {
  const match = EXPRESSION.exec(expression.trim());
  const path = match?.groups?.plain ?? match?.groups?.braced;
  if (path === undefined) return undefined;
  const segments = path.split('.');
  return segments.every((segment) => SEGMENT.test(segment)) ? segments : undefined;
}

/**
 * Picks the route of one message: the string at `path` in the JSON body when a route of that name exists,
 * otherwise `$default`. Binary messages, bodies that are not JSON objects and non-string values all select
 * `$default` (whether a `$default` route exists is the caller's concern). Never throws.
 *
 * @param body - The message text, or `undefined` for a binary message.
 * @param path - From {@link parseRouteSelectionExpression}.
 * @param hasRoute - Whether a route key is configured.
 * @returns The route key to invoke.
 * @example
 * ```ts
 * selectRouteKey('{"action":"join"}', ['action'], (key) => key === 'join'); // 'join'
 * selectRouteKey('hello', ['action'], () => true); // '$default'
 * ```
 */
export function selectRouteKey(
  body: string | undefined,
  path: readonly string[],
  hasRoute: (routeKey: string) => boolean,
): string {
  if (body === undefined) return DEFAULT_ROUTE_KEY;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return DEFAULT_ROUTE_KEY;
  }
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return DEFAULT_ROUTE_KEY;
    if (!Object.prototype.hasOwnProperty.call(value, segment)) return DEFAULT_ROUTE_KEY;
    value = (value as Record<string, unknown>)[segment];
  }
  if (typeof value !== 'string' || RESERVED_ROUTE_KEYS.has(value)) return DEFAULT_ROUTE_KEY;
  return hasRoute(value) ? value : DEFAULT_ROUTE_KEY;
}
