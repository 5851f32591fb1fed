import * as z from 'zod/mini';

/**
 * Where `KakaoCognitoAuth` may keep the session across restarts. The SDK never touches `localStorage` itself;
 * hand it whatever store the game trusts (an encrypted file in a desktop app, `localStorage` in a web game):
 *
 * ```ts
 * const storage = {
 *   get: (key: string) => localStorage.getItem(key),
 *   set: (key: string, value: string) => localStorage.setItem(key, value),
 *   remove: (key: string) => localStorage.removeItem(key),
 * };
 * ```
 */
export interface AuthSessionStorage {
  get(key: string): string | null | undefined | Promise<string | null | undefined>;
  set(key: string, value: string): void | Promise<void>;
  remove(key: string): void | Promise<void>;
}

/**
 * What is persisted: the Kakao access token (to repeat the exchange) and the last Cognito token. AWS credentials
 * are not persisted; they are fetched again on first use.
 */
export interface PersistedSession {
  version: 1;
  kakaoAccessToken: string;
  identityId: string;
  kakaoId: number;
  cognitoToken: string;
  /** Epoch milliseconds. */
  cognitoTokenExpiresAt: number;
}

const persistedSessionSchema = z.object({
  version: z.literal(1),
  kakaoAccessToken: z.string().check(z.minLength(1)),
  identityId: z.string().check(z.minLength(1)),
  kakaoId: z.int().check(z.positive()),
  cognitoToken: z.string().check(z.minLength(1)),
  cognitoTokenExpiresAt: z.number(),
});

/**
 * Serialises a session for {@link AuthSessionStorage.set}.
 *
 * @example
 * ```ts
 * await storage.set(key, serializeSession(session));
 * ```
 */
export function serializeSession(session: PersistedSession): string {
  return JSON.stringify(session);
}

/**
 * Reads a stored session back; anything unreadable (other version, edited, truncated) gives `undefined`.
 *
 * @example
 * ```ts
 * const session = parseSession(await storage.get(key));
 * ```
 */
export function parseSession(text: string | null | undefined): PersistedSession | undefined {
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  const parsed = persistedSessionSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
