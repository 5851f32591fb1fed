import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { AwsV4Signer } from 'aws4fetch';
import type { FetchLike } from '../core/client/request-json.js';

/** Options of {@link createSigningFetch}. */
export interface SigningFetchOptions {
  /** Fresh credentials per request, e.g. the provider of `KakaoCognitoAuth` (it caches and refreshes). */
  credentials: AwsCredentialIdentityProvider | AwsCredentialIdentity;
  /** Region of the API, e.g. `'ap-northeast-2'`. */
  region: string;
  /** Default `'execute-api'` (API Gateway with IAM authorization). */
  service?: string;
  /** The `fetch` that sends the signed request. */
  fetch: FetchLike;
}

/**
 * A `fetch` that signs every request with AWS Signature Version 4 (WebCrypto through `aws4fetch`, no AWS SDK,
 * browser-safe), for API Gateway routes with IAM authorization.
 *
 * @example
 * ```ts
 * const signedFetch = createSigningFetch({ credentials: auth.credentialProvider, region: 'ap-northeast-2', fetch });
 * await signedFetch(`${api}/scoreboard`, { method: 'POST', body: JSON.stringify({ score: 10 }) });
 * ```
 */
export function createSigningFetch(options: SigningFetchOptions): FetchLike {
  const service = options.service ?? 'execute-api';
  return async (input, init = {}) => {
    const identity =
      typeof options.credentials === 'function' ? await options.credentials() : options.credentials;
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const signer = new AwsV4Signer({
      url,
      method: init.method ?? 'GET',
      headers: init.headers,
      body: init.body,
      accessKeyId: identity.accessKeyId,
      secretAccessKey: identity.secretAccessKey,
      ...(identity.sessionToken ? { sessionToken: identity.sessionToken } : {}),
      service,
      region: options.region,
    });
    const signed = await signer.sign();
    return options.fetch(signed.url.toString(), {
      method: signed.method,
      headers: signed.headers,
      body: signed.body ?? null,
      ...(init.signal ? { signal: init.signal } : {}),
    });
  };
}

/**
 * The region in an API Gateway URL (`https://{id}.execute-api.{region}.amazonaws.com/...`), if it is one.
 *
 * @example
 * ```ts
 * regionOfApiUrl('https://abc123.execute-api.ap-northeast-2.amazonaws.com/prod'); // 'ap-northeast-2'
 * ```
 */
export function regionOfApiUrl(url: string): string | undefined {
  try {
    return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(new URL(url).hostname)?.[1];
  } catch {
    return undefined;
  }
}
