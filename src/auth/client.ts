import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import * as z from 'zod/mini';
import { type FetchLike, HttpClientError, requestJson } from '../core/client/request-json.js';
import {
  COGNITO_LOGIN_PROVIDER,
  type CognitoCredentialsClient,
  createCognitoCredentialsClient,
} from './cognito-credentials.js';
import { AuthConfigError, AuthError, SessionExpiredError, isAuthErrorCode } from './errors.js';
import {
  type AuthSessionStorage,
  type PersistedSession,
  parseSession,
  serializeSession,
} from './session-storage.js';
import { hasMethods, isFunction } from '../core/method-checks.js';
import { createSignal } from '../core/signal.js';
import type { Subscribe } from './signal.js';
import type { KakaoAuthResponse } from './types.js';

/** Options of {@link KakaoCognitoAuth}. */
export interface KakaoCognitoAuthOptions {
  /** Full URL of the auth handler, e.g. `https://api.example.com/auth/kakao`. */
  authEndpoint: string;
  /** Region of the identity pool, e.g. `ap-northeast-2`. */
  region: string;
  /** When given, identity ids from the auth endpoint must belong to this pool's region. */
  identityPoolId?: string;
  /** Default `https://cognito-identity.<region>.amazonaws.com/`; the local stack gives its own. */
  cognitoEndpoint?: string;
  /**
   * Calls `GetCredentialsForIdentity`. Default: an unsigned `fetch` call, no AWS SDK in the bundle. Apps that ship
   * the SDK anyway may pass `new CognitoIdentity({ region })` from `@aws-sdk/client-cognito-identity`.
   */
  cognitoIdentityClient?: CognitoCredentialsClient;
  /** Default: the global `fetch`. */
  fetch?: FetchLike;
  /** Epoch milliseconds; default `Date.now`. Tests pass a fake clock. */
  clock?: () => number;
  /** Refresh credentials and the Cognito token this long before they expire; default 5 minutes. */
  refreshMarginMs?: number;
  /** Per request to the auth endpoint and to Cognito; default 10 000 ms. */
  timeoutMs?: number;
  /** Keep the session across restarts (see {@link AuthSessionStorage}); default: memory only. */
  storage?: AuthSessionStorage;
  /** Key under which the session is stored; default `'serverless-game-kit/auth'`. */
  storageKey?: string;
}

/** What a successful sign-in or refresh produced. */
export interface AuthSession {
  identityId: string;
  kakaoId: number;
  credentials: AwsCredentialIdentity;
}

interface ActiveSession {
  kakaoAccessToken: string;
  identityId: string;
  kakaoId: number;
  cognitoToken: string;
  cognitoTokenExpiresAt: number;
  credentials?: AwsCredentialIdentity & { expiration: Date };
}

const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

// zod/mini keeps the browser bundle small (≈ 20 kB instead of ≈ 90 kB for the full zod API).
const optionsSchema = z.object({
  authEndpoint: z.url({ protocol: /^https?$/ }),
  region: z.string().check(z.regex(REGION_PATTERN, 'expected a region like "ap-northeast-2"')),
  identityPoolId: z.optional(
    z
      .string()
      .check(z.regex(/^[\w-]+:[0-9a-f-]+$/, 'expected an identity pool id like "ap-northeast-2:0f6a…"')),
  ),
  cognitoEndpoint: z.optional(z.url({ protocol: /^https?$/ })),
  cognitoIdentityClient: z.optional(
    z.custom<CognitoCredentialsClient>(
      hasMethods('getCredentialsForIdentity'),
      'expected an object with getCredentialsForIdentity(input), e.g. new CognitoIdentity({ region })',
    ),
  ),
  fetch: z.optional(z.custom<FetchLike>(isFunction, 'expected a fetch function')),
  clock: z.optional(z.custom<() => number>(isFunction, 'expected a function returning epoch milliseconds')),
  refreshMarginMs: z._default(z.int().check(z.minimum(0), z.maximum(3_600_000)), 300_000),
  timeoutMs: z._default(z.int().check(z.minimum(1), z.maximum(120_000)), 10_000),
  storage: z.optional(
    z.custom<AuthSessionStorage>(hasMethods('get', 'set', 'remove'), 'expected { get, set, remove }'),
  ),
  storageKey: z._default(z.string().check(z.minLength(1)), 'serverless-game-kit/auth'),
});

const authResponseSchema = z.object({
  identityId: z.string().check(z.minLength(1)),
  token: z.string().check(z.minLength(1)),
  expiresIn: z.number().check(z.positive()),
  kakaoId: z.int().check(z.positive()),
});

/**
 * Signs a player in with a Kakao access token and keeps AWS credentials for their Cognito identity fresh.
 * `signIn` sends the token to the auth endpoint (`createKakaoAuthHandler`), which answers a Cognito token for the
 * player's identity; Cognito's `GetCredentialsForIdentity` turns it into temporary AWS credentials.
 * {@link KakaoCognitoAuth.credentialProvider} plugs into any AWS SDK v3 client and refreshes before expiry:
 * concurrent callers share one refresh, an expired Cognito token is exchanged again with the Kakao token, and
 * when the Kakao token itself is no longer valid, `onExpired` fires and the call rejects with
 * {@link SessionExpiredError}. Browser-safe: no AWS SDK, no Node built-ins.
 *
 * @throws {AuthConfigError} from the constructor when an option is invalid.
 * @example
 * ```ts
 * import { KakaoCognitoAuth } from 'serverless-game-kit/auth';
 * import { S3Client } from '@aws-sdk/client-s3';
 *
 * const auth = new KakaoCognitoAuth({ authEndpoint: 'https://api.example.com/auth/kakao', region: 'ap-northeast-2' });
 * auth.onExpired(() => showKakaoLogin());
 * await auth.signIn(kakaoAccessToken);
 * const s3 = new S3Client({ region: 'ap-northeast-2', credentials: auth.credentialProvider });
 * ```
 */
export class KakaoCognitoAuth {
  /**
   * An AWS SDK v3 credential provider (`new S3Client({ credentials: auth.credentialProvider })`): the current
   * credentials, refreshed when they are within `refreshMarginMs` of expiry (or when called with
   * `{ forceRefresh: true }`). Concurrent calls share one refresh.
   *
   * @throws {AuthError} `NOT_SIGNED_IN` without a session; {@link SessionExpiredError} when the Kakao login has
   *   expired; `AuthError` with the failure's code when the refresh failed for another reason (the session is
   *   kept, so a later call retries).
   */
  readonly credentialProvider: AwsCredentialIdentityProvider;

  readonly #authEndpoint: string;
  readonly #identityPoolId: string | undefined;
  readonly #cognito: CognitoCredentialsClient;
  readonly #fetch: FetchLike;
  readonly #clock: () => number;
  readonly #marginMs: number;
  readonly #timeoutMs: number;
  readonly #storage: AuthSessionStorage | undefined;
  readonly #storageKey: string;

  #session: ActiveSession | undefined;
  #generation = 0;
  #refreshing: Promise<AwsCredentialIdentity> | undefined;

  readonly #signedIn = createSignal<AuthSession>();
  readonly #refreshed = createSignal<AuthSession>();
  readonly #expired = createSignal<SessionExpiredError>();
  readonly #signedOut = createSignal();

  /** Called after every successful {@link KakaoCognitoAuth.signIn}. Returns an unsubscribe function. */
  readonly onSignedIn: Subscribe<[AuthSession]> = this.#signedIn.subscribe;
  /** Called after every refresh of the credentials. Returns an unsubscribe function. */
  readonly onRefreshed: Subscribe<[AuthSession]> = this.#refreshed.subscribe;
  /** Called once when the Kakao login turns out to have expired; ask the player to log in again. */
  readonly onExpired: Subscribe<[SessionExpiredError]> = this.#expired.subscribe;
  /** Called after {@link KakaoCognitoAuth.signOut}. */
  readonly onSignedOut: Subscribe<[]> = this.#signedOut.subscribe;

  constructor(options: KakaoCognitoAuthOptions) {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new AuthConfigError(`Invalid KakaoCognitoAuth options:\n${z.prettifyError(parsed.error)}`, {
        cause: parsed.error,
      });
    }
    const config = parsed.data;
    this.#authEndpoint = config.authEndpoint;
    this.#identityPoolId = config.identityPoolId;
    this.#fetch = config.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#clock = config.clock ?? Date.now;
    this.#marginMs = config.refreshMarginMs;
    this.#timeoutMs = config.timeoutMs;
    this.#storage = config.storage;
    this.#storageKey = config.storageKey;
    this.#cognito =
      config.cognitoIdentityClient ??
      createCognitoCredentialsClient({
        region: config.region,
        ...(config.cognitoEndpoint === undefined ? {} : { endpoint: config.cognitoEndpoint }),
        fetch: this.#fetch,
        timeoutMs: config.timeoutMs,
      });
    this.credentialProvider = (identityProperties?: Record<string, unknown>) =>
      this.#currentCredentials(identityProperties?.forceRefresh === true);
  }

  /** The player's Cognito identity id, while signed in. */
  get identityId(): string | undefined {
    return this.#session?.identityId;
  }

  /** The player's Kakao user id, while signed in. */
  get kakaoId(): number | undefined {
    return this.#session?.kakaoId;
  }

  /** True while there is a session (it may still turn out to be expired on the next refresh). */
  get isSignedIn(): boolean {
    return this.#session !== undefined;
  }

  /**
   * Signs in with a Kakao access token: the auth endpoint checks it and answers a Cognito token, which is
   * exchanged for AWS credentials. Any previous session is forgotten first.
   *
   * @returns the identity id, Kakao id and credentials.
   * @throws {AuthError} with the auth endpoint's code (`INVALID_TOKEN`, `TOKEN_EXPIRED`, `APP_NOT_ALLOWED`,
   *   `KAKAO_UNAVAILABLE`, …), `NETWORK`/`TIMEOUT` when it cannot be reached, `COGNITO_UNAVAILABLE` or
   *   `COGNITO_REJECTED` when Cognito fails, `NOT_SIGNED_IN` when `signOut`/`signIn` was called meanwhile.
   * @example
   * ```ts
   * const { identityId } = await auth.signIn(kakaoAccessToken);
   * ```
   */
  async signIn(kakaoAccessToken: string): Promise<AuthSession> {
    if (typeof kakaoAccessToken !== 'string' || kakaoAccessToken.trim() === '') {
      throw new AuthError('INVALID_REQUEST', 'signIn needs the Kakao access token (a non-empty string).');
    }
    const generation = this.#forget();
    try {
      const exchanged = await this.#exchange(kakaoAccessToken);
      const credentials = await this.#fetchCredentials(exchanged.identityId, exchanged.token, true);
      this.#assertCurrent(generation);
      const session: ActiveSession = {
        kakaoAccessToken,
        identityId: exchanged.identityId,
        kakaoId: exchanged.kakaoId,
        cognitoToken: exchanged.token,
        cognitoTokenExpiresAt: exchanged.expiresAt,
        credentials,
      };
      this.#session = session;
      await this.#persist(session);
      const result = publicSession(session, credentials);
      this.#signedIn.emit(result);
      return result;
    } catch (error) {
      if (generation === this.#generation) await this.#removeStored();
      throw error;
    }
  }

  /**
   * Loads the session kept in `storage` by an earlier run, if any. Credentials are fetched on first use; if the
   * stored Kakao token has expired meanwhile, that first use rejects with {@link SessionExpiredError}.
   *
   * @returns true when a session was restored.
   * @throws whatever `storage.get` throws.
   * @example
   * ```ts
   * if (!(await auth.restore())) showKakaoLogin();
   * ```
   */
  async restore(): Promise<boolean> {
    if (!this.#storage) return false;
    const text = await this.#storage.get(this.#storageKey);
    const stored = parseSession(text);
    if (!stored) {
      if (text) await this.#removeStored();
      return false;
    }
    this.#forget();
    this.#session = {
      kakaoAccessToken: stored.kakaoAccessToken,
      identityId: stored.identityId,
      kakaoId: stored.kakaoId,
      cognitoToken: stored.cognitoToken,
      cognitoTokenExpiresAt: stored.cognitoTokenExpiresAt,
    };
    return true;
  }

  /**
   * The player's Cognito OpenID token — a JWT whose `sub` is the identity id and `aud` the identity pool —
   * exchanged again first when it is near expiry. Hand it to services that verify the player themselves, such as
   * a quiz room's join `token`.
   *
   * @throws {AuthError} `NOT_SIGNED_IN`; {@link SessionExpiredError} when the Kakao login has expired.
   * @example
   * ```ts
   * const room = await QuizRoom.join({ url, room: 'lobby', name: '민지', token: () => auth.openIdToken() });
   * ```
   */
  async openIdToken(): Promise<string> {
    const session = this.#session;
    if (!session) throw new AuthError('NOT_SIGNED_IN', 'Sign in with Kakao first.');
    if (session.cognitoTokenExpiresAt - this.#marginMs <= this.#clock()) await this.#currentCredentials(true);
    const current = this.#session;
    if (!current) throw new AuthError('NOT_SIGNED_IN', 'Sign in with Kakao first.');
    return current.cognitoToken;
  }

  /**
   * Gets fresh credentials now, whatever their expiry (same as `credentialProvider({ forceRefresh: true })`).
   *
   * @throws see {@link KakaoCognitoAuth.credentialProvider}.
   * @example
   * ```ts
   * await auth.refresh();
   * ```
   */
  async refresh(): Promise<AwsCredentialIdentity> {
    return this.#currentCredentials(true);
  }

  /**
   * Forgets the session (memory and storage); a refresh under way is abandoned and rejects with `NOT_SIGNED_IN`.
   *
   * @example
   * ```ts
   * await auth.signOut();
   * ```
   */
  async signOut(): Promise<void> {
    const hadSession = this.#session !== undefined;
    this.#forget();
    await this.#removeStored();
    if (hadSession) this.#signedOut.emit();
  }

  async #currentCredentials(force: boolean): Promise<AwsCredentialIdentity> {
    const session = this.#session;
    if (!session) throw new AuthError('NOT_SIGNED_IN', 'Sign in with Kakao first.');
    const credentials = session.credentials;
    if (!force && credentials && credentials.expiration.getTime() - this.#marginMs > this.#clock()) {
      return credentials;
    }
    if (!this.#refreshing) {
      const refreshing = this.#refresh(session, this.#generation);
      this.#refreshing = refreshing;
      const clear = (): void => {
        if (this.#refreshing === refreshing) this.#refreshing = undefined;
      };
      refreshing.then(clear, clear);
    }
    return this.#refreshing;
  }

  async #refresh(session: ActiveSession, generation: number): Promise<AwsCredentialIdentity> {
    let identityId = session.identityId;
    let token = session.cognitoToken;
    let tokenExpiresAt = session.cognitoTokenExpiresAt;
    let kakaoId = session.kakaoId;
    let credentials: (AwsCredentialIdentity & { expiration: Date }) | undefined;

    if (tokenExpiresAt - this.#marginMs > this.#clock()) {
      try {
        credentials = await this.#fetchCredentials(identityId, token, false);
      } catch (error) {
        if (!(error instanceof TokenRejected)) throw error;
      }
    }
    if (!credentials) {
      let exchanged: ExchangeResult;
      try {
        exchanged = await this.#exchange(session.kakaoAccessToken);
      } catch (error) {
        if (error instanceof AuthError && (error.status === 401 || error.status === 403)) {
          throw this.#expire(generation, error);
        }
        throw error;
      }
      this.#assertCurrent(generation);
      ({ identityId, token, kakaoId } = exchanged);
      tokenExpiresAt = exchanged.expiresAt;
      credentials = await this.#fetchCredentials(identityId, token, true);
    }
    this.#assertCurrent(generation);
    const next: ActiveSession = {
      kakaoAccessToken: session.kakaoAccessToken,
      identityId,
      kakaoId,
      cognitoToken: token,
      cognitoTokenExpiresAt: tokenExpiresAt,
      credentials,
    };
    this.#session = next;
    if (token !== session.cognitoToken) await this.#persist(next);
    this.#refreshed.emit(publicSession(next, credentials));
    return credentials;
  }

  async #exchange(kakaoAccessToken: string): Promise<ExchangeResult> {
    let body: unknown;
    try {
      body = await requestJson(this.#authEndpoint, {
        fetch: this.#fetch,
        method: 'POST',
        body: { accessToken: kakaoAccessToken },
        timeoutMs: this.#timeoutMs,
      });
    } catch (error) {
      throw toAuthError(error);
    }
    const parsed = authResponseSchema.safeParse(body);
    if (!parsed.success) {
      throw new AuthError('INVALID_RESPONSE', 'The auth endpoint answered in an unexpected format.', {
        cause: parsed.error,
      });
    }
    const answer: KakaoAuthResponse = parsed.data;
    if (
      this.#identityPoolId !== undefined &&
      regionOf(answer.identityId) !== regionOf(this.#identityPoolId)
    ) {
      throw new AuthError(
        'INVALID_RESPONSE',
        `The auth endpoint answered an identity of another region than the pool ${this.#identityPoolId}.`,
      );
    }
    return { ...answer, expiresAt: this.#clock() + answer.expiresIn * 1000 };
  }

  /**
   * @param fresh the token was just issued: a rejection then means a misconfigured pool (`COGNITO_REJECTED`),
   *   not an expired token ({@link TokenRejected}).
   */
  async #fetchCredentials(
    identityId: string,
    token: string,
    fresh: boolean,
  ): Promise<AwsCredentialIdentity & { expiration: Date }> {
    let output;
    try {
      output = await this.#cognito.getCredentialsForIdentity({
        IdentityId: identityId,
        Logins: { [COGNITO_LOGIN_PROVIDER]: token },
      });
    } catch (error) {
      const name = (error as { name?: unknown } | null)?.name;
      if (name === 'NotAuthorizedException' || name === 'ResourceNotFoundException') {
        if (!fresh) throw new TokenRejected(error);
        throw new AuthError('COGNITO_REJECTED', `Cognito refused the new token (${name}).`, { cause: error });
      }
      throw new AuthError('COGNITO_UNAVAILABLE', 'Cognito could not issue credentials; try again later.', {
        cause: error,
      });
    }
    const raw = output.Credentials;
    if (!raw?.AccessKeyId || !raw.SecretKey || !raw.SessionToken || !raw.Expiration) {
      throw new AuthError('INVALID_RESPONSE', 'Cognito answered without complete credentials.');
    }
    return {
      accessKeyId: raw.AccessKeyId,
      secretAccessKey: raw.SecretKey,
      sessionToken: raw.SessionToken,
      expiration: raw.Expiration,
    };
  }

  /** Ends the session because the Kakao login is no longer valid; returns the error to throw. */
  #expire(generation: number, cause: AuthError): AuthError {
    if (generation !== this.#generation) return notSignedIn();
    const error = new SessionExpiredError(undefined, { cause });
    this.#forget();
    void this.#removeStored();
    this.#expired.emit(error);
    return error;
  }

  /** Drops the session and any refresh under way; returns the new generation. */
  #forget(): number {
    this.#session = undefined;
    this.#refreshing = undefined;
    return ++this.#generation;
  }

  #assertCurrent(generation: number): void {
    if (generation !== this.#generation) throw notSignedIn();
  }

  async #persist(session: ActiveSession): Promise<void> {
    if (!this.#storage) return;
    const stored: PersistedSession = {
      version: 1,
      kakaoAccessToken: session.kakaoAccessToken,
      identityId: session.identityId,
      kakaoId: session.kakaoId,
      cognitoToken: session.cognitoToken,
      cognitoTokenExpiresAt: session.cognitoTokenExpiresAt,
    };
    // Persistence is best effort: a failing store must not break the login itself.
    await Promise.resolve()
      .then(() => this.#storage?.set(this.#storageKey, serializeSession(stored)))
      .catch(() => undefined);
  }

  async #removeStored(): Promise<void> {
    if (!this.#storage) return;
    await Promise.resolve()
      .then(() => this.#storage?.remove(this.#storageKey))
      .catch(() => undefined);
  }
}

interface ExchangeResult extends KakaoAuthResponse {
  /** Epoch milliseconds at which the Cognito token expires, by the client's clock. */
  expiresAt: number;
}

/** Cognito refused a stored token: exchange the Kakao token again. */
class TokenRejected extends Error {
  constructor(cause: unknown) {
    super('Cognito refused the stored token.', { cause });
    this.name = 'TokenRejected';
  }
}

function notSignedIn(): AuthError {
  return new AuthError(
    'NOT_SIGNED_IN',
    'The session ended (signed out or signed in again) while it was refreshed.',
  );
}

function publicSession(session: ActiveSession, credentials: AwsCredentialIdentity): AuthSession {
  return { identityId: session.identityId, kakaoId: session.kakaoId, credentials };
}

function regionOf(id: string): string {
  return id.split(':')[0] ?? '';
}

/** An error of `requestJson` as an {@link AuthError}, keeping the endpoint's code when it is one of ours. */
function toAuthError(error: unknown): AuthError {
  if (!(error instanceof HttpClientError)) {
    return new AuthError('NETWORK', 'The auth endpoint could not be reached.', { cause: error });
  }
  const status = error.status;
  if (status === undefined) {
    const code =
      error.code === 'TIMEOUT'
        ? 'TIMEOUT'
        : error.code === 'INVALID_RESPONSE'
          ? 'INVALID_RESPONSE'
          : 'NETWORK';
    return new AuthError(code, error.message, { cause: error });
  }
  if (error.code === 'INVALID_RESPONSE') {
    return new AuthError('INVALID_RESPONSE', error.message, { status, cause: error });
  }
  const code = isAuthErrorCode(error.code) ? error.code : 'AUTH_ENDPOINT_ERROR';
  return new AuthError(code, error.message, { status, cause: error });
}
