import { LocalServiceError } from '../../errors.js';
import { type ResolvedFunction, resolveFunction } from '../invoke.js';
import type { LocalFunction, LocalHttpRoute } from '../types.js';

/** API Gateway's integration timeout for HTTP APIs, the default of every route. */
export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);

/** One segment of a route path: `scores`, `{id}` or the trailing greedy `{proxy+}`. */
export type RouteSegment =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'greedy'; readonly name: string };

/** A route of the table, ready to match. */
export interface CompiledRoute {
  /** As declared, e.g. `'GET /items/{id}'`; `'$default'` for the catch-all. */
  readonly routeKey: string;
  /** Upper-case method, `'ANY'`, or `undefined` for `$default`. */
  readonly method: string | undefined;
  readonly segments: readonly RouteSegment[];
  readonly fn: ResolvedFunction;
  readonly auth: 'none' | 'iam';
}

/** The route a request selected and the path parameters it captured. */
export interface RouteMatch {
  readonly route: CompiledRoute;
  /** `undefined` when the route has no parameters (API Gateway then omits `pathParameters`). */
  readonly pathParameters: Record<string, string> | undefined;
}

/** Compiled routes, most specific first; see {@link compileRoutes}. */
export interface RouteTable {
  readonly routes: readonly CompiledRoute[];
  readonly fallback: CompiledRoute | undefined;
}

function invalid(routeKey: string, reason: string): LocalServiceError {
  return new LocalServiceError('INVALID_OPTIONS', `HTTP route "${routeKey}": ${reason}`);
}

function parseSegments(routeKey: string, path: string): RouteSegment[] {
  if (!path.startsWith('/')) throw invalid(routeKey, 'the path must start with "/".');
  if (path === '/') return [];
  const parts = path.slice(1).split('/');
  return parts.map((part, index): RouteSegment => {
    const greedy = /^\{([A-Za-z0-9_.-]+)\+\}$/.exec(part);
    if (greedy?.[1]) {
      if (index !== parts.length - 1)
        throw invalid(routeKey, 'a greedy {name+} variable must be the last segment.');
      return { kind: 'greedy', name: greedy[1] };
    }
    const param = /^\{([A-Za-z0-9_.-]+)\}$/.exec(part);
    if (param?.[1]) return { kind: 'param', name: param[1] };
    if (part === '' || /[{}]/.test(part)) throw invalid(routeKey, `invalid path segment "${part}".`);
    return { kind: 'literal', value: part };
  });
}

function defaultFunctionName(routeKey: string): string {
  const name = routeKey.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return name || 'root';
}

function toDefinition(
  routeKey: string,
  value: LocalFunction | LocalHttpRoute,
): { fn: ResolvedFunction; auth: 'none' | 'iam' } {
  if (typeof value === 'function') {
    return {
      fn: resolveFunction(value, defaultFunctionName(routeKey), DEFAULT_HTTP_TIMEOUT_MS),
      auth: 'none',
    };
  }
  if (typeof value !== 'object' || value === null || typeof value.handler !== 'function') {
    throw invalid(routeKey, 'expected a handler function or { handler, auth?, name?, timeoutMs? }.');
  }
  const auth = (value as LocalHttpRoute).auth ?? 'none';
  if (auth !== 'none' && auth !== 'iam') throw invalid(routeKey, `unknown auth "${String(auth)}".`);
  if (value.timeoutMs !== undefined && !(Number.isFinite(value.timeoutMs) && value.timeoutMs > 0)) {
    throw invalid(routeKey, 'timeoutMs must be a positive number.');
  }
  // `LocalHttpRoute`'s handler takes `never` (any event type is assignable); the gateway passes its v2 event.
  return {
    fn: resolveFunction(value as LocalFunction, defaultFunctionName(routeKey), DEFAULT_HTTP_TIMEOUT_MS),
    auth,
  };
}

const RANK = { literal: 2, param: 1, greedy: 0 } as const;

/** Negative when `a` is more specific than `b`: literal beats `{param}` beats `{proxy+}`, segment by segment,
 * then a longer path, then a named method beats `ANY`. */
function bySpecificity(a: CompiledRoute, b: CompiledRoute): number {
  const length = Math.min(a.segments.length, b.segments.length);
  for (let index = 0; index < length; index++) {
    const difference = RANK[b.segments[index]!.kind] - RANK[a.segments[index]!.kind];
    if (difference !== 0) return difference;
  }
  if (a.segments.length !== b.segments.length) return b.segments.length - a.segments.length;
  return (a.method === 'ANY' ? 1 : 0) - (b.method === 'ANY' ? 1 : 0);
}

/**
 * Parses route keys (`'GET /scores'`, `'ANY /items/{id}'`, `'/files/{proxy+}'` = ANY, `'$default'`) and orders
 * them the way an HTTP API selects routes: the most specific match wins and `$default` catches the rest.
 *
 * @throws {LocalServiceError} `INVALID_OPTIONS` for a malformed key, a duplicate route or a definition that is
 * not a handler.
 * @example
 * ```ts
 * const table = compileRoutes({ 'GET /items/{id}': getItem, $default: notFound });
 * const match = matchRoute(table, 'GET', ['items', '42']); // pathParameters: { id: '42' }
 * ```
 */
export function compileRoutes(routes: Record<string, LocalFunction | LocalHttpRoute>): RouteTable {
  const compiled: CompiledRoute[] = [];
  const seen = new Set<string>();
  let fallback: CompiledRoute | undefined;
  for (const [routeKey, value] of Object.entries(routes)) {
    const definition = toDefinition(routeKey, value);
    if (routeKey.trim() === '$default') {
      fallback = { routeKey: '$default', method: undefined, segments: [], ...definition };
      continue;
    }
    const spaced = /^\s*(\S+)\s+(\S+)\s*$/.exec(routeKey);
    const method = spaced?.[1]?.toUpperCase() ?? 'ANY';
    const path = spaced?.[2] ?? routeKey.trim();
    if (!METHODS.has(method)) throw invalid(routeKey, `unknown method "${method}".`);
    const segments = parseSegments(routeKey, path);
    const signature = `${method} ${segments.map((segment) => (segment.kind === 'literal' ? segment.value : `{${segment.kind}}`)).join('/')}`;
    if (seen.has(signature)) throw invalid(routeKey, 'another route has the same method and path.');
    seen.add(signature);
    compiled.push({ routeKey, method, segments, ...definition });
  }
  compiled.sort(bySpecificity);
  return { routes: compiled, fallback };
}

function matchSegments(route: CompiledRoute, path: readonly string[]): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (const [index, segment] of route.segments.entries()) {
    if (segment.kind === 'greedy') {
      const rest = path.slice(index);
      if (rest.length === 0 || rest.every((part) => part === '')) return undefined;
      parameters[segment.name] = rest.join('/');
      return parameters;
    }
    const part = path[index];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (segment.value !== part) return undefined;
    } else {
      if (part === '') return undefined;
      parameters[segment.name] = part;
    }
  }
  return path.length === route.segments.length ? parameters : undefined;
}

/**
 * Selects the route for a request: the most specific route whose method (or `ANY`) and path match, else
 * `$default`, else `undefined` (the gateway answers 404).
 *
 * @param pathSegments the URL-decoded segments of the path, without the leading slash (`[]` for `/`).
 * @example
 * ```ts
 * const match = matchRoute(compileRoutes({ '/files/{proxy+}': serve }), 'GET', ['files', 'a', 'b.txt']);
 * // match.pathParameters → { proxy: 'a/b.txt' }
 * ```
 */
export function matchRoute(
  table: RouteTable,
  method: string,
  pathSegments: readonly string[],
): RouteMatch | undefined {
  const upper = method.toUpperCase();
  for (const route of table.routes) {
    if (route.method !== 'ANY' && route.method !== upper) continue;
    const parameters = matchSegments(route, pathSegments);
    if (parameters) {
      return { route, pathParameters: Object.keys(parameters).length > 0 ? parameters : undefined };
    }
  }
  return table.fallback ? { route: table.fallback, pathParameters: undefined } : undefined;
}
