import { randomBytes, randomInt } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { LocalServiceError } from '../errors.js';
import { closeServer, listenLocal } from './http-server.js';

/** Options of {@link startLocalKakao}. */
export interface LocalKakaoOptions {
  /** Port on 127.0.0.1; default: a free one. */
  port?: number;
  /** App id of minted tokens when `mintToken` names none; default 100000. */
  defaultAppId?: number;
  /** One line per request (never the token); default: silent. */
  log?: (line: string) => void;
  /** Epoch milliseconds; default `Date.now`. Decides when minted tokens expire. */
  clock?: () => number;
}

/** What a minted token stands for. */
export interface LocalKakaoTokenOptions {
  /** Kakao user id ("회원번호"); default: a random 10-digit id. */
  kakaoId?: number;
  /** Kakao app the token was issued to; default the server's `defaultAppId`. */
  appId?: number;
  /** Lifetime; default 21 599 s (Kakao's 6 hours). Zero or negative mints an already expired token. */
  expiresInSeconds?: number;
}

/** Test switches of the local Kakao server, see {@link LocalKakao.configure}. */
export interface LocalKakaoBehaviour {
  /**
   * `'unavailable'`: answer 503 to everything; `'refuse'`: stop listening, so connections are refused;
   * `false`: normal service.
   */
  down: false | 'unavailable' | 'refuse';
  /** Hold every answer this long (ms), e.g. longer than the handler's timeout; 0 = answer at once. */
  slowMs: number;
  /** Answer Kakao's quota error (HTTP 400, code -10) to every token check. */
  quotaExceeded: boolean;
  /**
   * How expired tokens are answered: `'reject'` as Kakao does (HTTP 401, code -401) or `'report'` as 200 with
   * `expires_in: 0` (to exercise a handler's own expiry check).
   */
  expiredTokens: 'reject' | 'report';
}

/** A running local Kakao token-info endpoint, see {@link startLocalKakao}. */
export interface LocalKakao {
  /** Base URL to use as `kakaoApiBaseUrl`, e.g. `http://127.0.0.1:4123`. */
  readonly endpoint: string;
  readonly port: number;
  /** Token checks answered so far. */
  readonly requestCount: number;
  /** Issues a test access token. */
  mintToken(options?: LocalKakaoTokenOptions): string;
  /** Makes a token unknown, as a logout or an unlink does. */
  revokeToken(token: string): void;
  /** Changes the test switches; omitted ones keep their value. Resolves once the change is in effect. */
  configure(behaviour: Partial<LocalKakaoBehaviour>): Promise<void>;
  /** Closes the server and every open connection. Safe to call twice. */
  stop(): Promise<void>;
}

interface MintedToken {
  kakaoId: number;
  appId: number;
  expiresAt: number;
}

const TOKEN_INFO_PATH = '/v1/user/access_token_info';

/**
 * Starts a stand-in for Kakao's "Retrieve token information" API (`GET /v1/user/access_token_info` with
 * `Authorization: Bearer <token>`) on 127.0.0.1, answering in Kakao's format: `200 {id, expires_in, app_id}`, or
 * `401 {msg, code: -401}` for unknown, revoked and expired tokens. Tests mint tokens for any user and app, and
 * switch the server down, slow or over quota.
 *
 * @throws {LocalServiceError} when the port cannot be bound.
 * @example
 * ```ts
 * import { startLocalKakao } from 'serverless-game-kit/local';
 *
 * const kakao = await startLocalKakao();
 * const token = kakao.mintToken({ kakaoId: 1234567890, appId: 100000 });
 * // createKakaoAuthHandler({ kakaoApiBaseUrl: kakao.endpoint, kakaoAppIds: [100000], … })
 * await kakao.stop();
 * ```
 */
export async function startLocalKakao(options: LocalKakaoOptions = {}): Promise<LocalKakao> {
  const clock = options.clock ?? Date.now;
  const log = options.log ?? (() => undefined);
  const defaultAppId = options.defaultAppId ?? 100_000;
  const tokens = new Map<string, MintedToken>();
  const behaviour: LocalKakaoBehaviour = {
    down: false,
    slowMs: 0,
    quotaExceeded: false,
    expiredTokens: 'reject',
  };
  const pending = new Set<NodeJS.Timeout>();
  let requestCount = 0;
  let stopped = false;

  const answer = (request: IncomingMessage, response: ServerResponse): void => {
    const path = (request.url ?? '/').split('?')[0];
    const reply = (status: number, body: unknown, note: string): void => {
      log(`kakao ${request.method ?? '?'} ${path} ${status} ${note}`);
      response.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
      response.end(JSON.stringify(body));
    };
    if (behaviour.down === 'unavailable') {
      reply(503, { msg: 'service unavailable', code: -7 }, '(down)');
      return;
    }
    if (path !== TOKEN_INFO_PATH) {
      reply(404, { msg: 'not found', code: -9 }, '');
      return;
    }
    if (request.method !== 'GET') {
      reply(405, { msg: 'method not allowed', code: -2 }, '');
      return;
    }
    requestCount += 1;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match?.[1]) {
      reply(401, { msg: 'no authentication key!', code: -401 }, '(no token)');
      return;
    }
    if (behaviour.quotaExceeded) {
      reply(400, { msg: 'API limit has been exceeded.', code: -10 }, '(quota)');
      return;
    }
    const minted = tokens.get(match[1]);
    if (!minted) {
      reply(401, { msg: 'this access token does not exist', code: -401 }, '(unknown token)');
      return;
    }
    const expiresIn = Math.ceil((minted.expiresAt - clock()) / 1000);
    if (expiresIn <= 0 && behaviour.expiredTokens === 'reject') {
      reply(
        401,
        { msg: 'this access token is already expired', code: -401 },
        `(expired, kakao id ${minted.kakaoId})`,
      );
      return;
    }
    reply(
      200,
      { id: minted.kakaoId, expires_in: Math.max(0, expiresIn), app_id: minted.appId },
      `(kakao id ${minted.kakaoId}, app ${minted.appId})`,
    );
  };

  const server = createServer((request, response) => {
    request.resume();
    if (behaviour.slowMs <= 0) {
      answer(request, response);
      return;
    }
    const timer = setTimeout(() => {
      pending.delete(timer);
      if (!response.destroyed) answer(request, response);
    }, behaviour.slowMs);
    pending.add(timer);
  });
  server.keepAliveTimeout = 1000;
  const port = await listenLocal(server, options.port ?? 0, 'The local Kakao server');
  const endpoint = `http://127.0.0.1:${port}`;
  log(`kakao listening on ${endpoint}`);

  return {
    endpoint,
    port,
    get requestCount() {
      return requestCount;
    },
    mintToken(tokenOptions = {}) {
      const token = randomBytes(40).toString('base64url');
      tokens.set(token, {
        kakaoId: tokenOptions.kakaoId ?? randomInt(1_000_000_000, 9_999_999_999),
        appId: tokenOptions.appId ?? defaultAppId,
        expiresAt: clock() + (tokenOptions.expiresInSeconds ?? 21_599) * 1000,
      });
      return token;
    },
    revokeToken(token) {
      tokens.delete(token);
    },
    async configure(change) {
      if (stopped) throw new LocalServiceError('INVALID_OPTIONS', 'The local Kakao server has been stopped.');
      const wasRefusing = behaviour.down === 'refuse';
      Object.assign(behaviour, change);
      const refusing = behaviour.down === 'refuse';
      if (refusing && !wasRefusing) await closeServer(server);
      if (!refusing && wasRefusing) await listenLocal(server, port, 'The local Kakao server');
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      await closeServer(server);
    },
  };
}
