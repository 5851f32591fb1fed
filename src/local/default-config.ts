import { getChoseong } from '../hangul/getChoseong.js';
import type { LocalStackConfig } from './stack/types.js';

/**
 * The stack `sgk local` runs when no `--config` is given: a CDN bucket, CORS for local pages, and a demo route
 * (`GET /hangul/choseong?text=…`). Modules add their tables and routes here as they join the local product.
 *
 * @example
 * ```ts
 * import { defaultLocalStackConfig, startLocalStack } from 'serverless-game-kit/local';
 *
 * const stack = await startLocalStack(defaultLocalStackConfig());
 * ```
 */
export function defaultLocalStackConfig(): LocalStackConfig {
  return {
    buckets: ['game-cdn'],
    http: {
      cdn: { bucket: 'game-cdn' },
      cors: { allowOrigins: ['*'], allowMethods: ['GET', 'POST', 'OPTIONS'], allowHeaders: ['*'] },
    },
    functions: () => ({
      http: {
        'GET /hangul/choseong': {
          name: 'hangul-choseong',
          handler: (event: { queryStringParameters?: Record<string, string | undefined> }) => {
            const text = event.queryStringParameters?.text ?? '';
            return { text, choseong: getChoseong(text) };
          },
        },
      },
    }),
  };
}
