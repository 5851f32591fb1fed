/**
 * The stack of `npm run local`: the whole game backend of `gameStackConfig()` (auth, scores with the stream
 * aggregator, quiz, the CDN bucket), plus the local demo's dev stand-in for Kakao's browser login.
 */
import { gameStackConfig } from '../../src/local/game-stack.js';
import { type LocalStack, startLocalStack } from '../../src/local/stack/start-local-stack.js';
import type { LocalFunctions, LocalStackConfig } from '../../src/local/stack/types.js';
import { DEV_KAKAO_TOKEN_ROUTE, createDevKakaoTokenHandler } from './dev-kakao-login.js';

/** Options of {@link demoStackConfig}. */
export interface DemoStackOptions {
  /** Reuse running DynamoDB Local / S3 servers (tests pass the test run's global ones). */
  services?: LocalStackConfig['services'];
  /**
   * One line per request and per invocation; default: none. A successful invocation behind an HTTP route is
   * left out: the gateway's own line (`HTTP POST /scoreboard 200 12.3 ms`) already says it.
   */
  log?: (line: string) => void;
  /** Tables of their own (see `gameStackConfig`): tests sharing one DynamoDB Local pass unique prefixes. */
  tablePrefix?: string;
}

/**
 * The local demo's stack config: `gameStackConfig()` wrapped, not changed — plus `POST /local/kakao/token` (the
 * dev stand-in for Kakao's browser login, see `dev-kakao-login.ts`).
 *
 * @example
 * ```ts
 * const stack = await startLocalStack(demoStackConfig());
 * ```
 */
export function demoStackConfig(options: DemoStackOptions = {}): LocalStackConfig {
  const base = gameStackConfig(options.tablePrefix === undefined ? {} : { tablePrefix: options.tablePrefix });
  const httpFunctionNames = new Set<string>();
  const log = options.log;
  return {
    ...base,
    ...(options.services ? { services: options.services } : {}),
    log: log
      ? (line) => {
          const invocation = /^λ (\S+) \S+ [\d.]+ ms$/.exec(line);
          if (!invocation?.[1] || !httpFunctionNames.has(invocation[1])) log(line);
        }
      : () => undefined,
    functions: async (env) => {
      const functions = (await base.functions?.(env)) ?? {};
      const kakao = env.identity.kakao;
      if (!kakao) throw new Error('The game stack runs without its local Kakao server.');
      const http: NonNullable<LocalFunctions['http']> = {
        ...functions.http,
        [DEV_KAKAO_TOKEN_ROUTE]: { name: 'dev-kakao-token', handler: createDevKakaoTokenHandler(kakao) },
      };
      for (const route of Object.values(http)) {
        if (typeof route === 'object' && route.name) httpFunctionNames.add(route.name);
      }
      return { ...functions, http };
    },
  };
}

/**
 * Starts the demo stack.
 *
 * @example
 * ```ts
 * const stack = await startDemoStack({ log: console.log });
 * ```
 */
export function startDemoStack(options: DemoStackOptions = {}): Promise<LocalStack> {
  return startLocalStack(demoStackConfig(options));
}
