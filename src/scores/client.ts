import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { type FetchLike, requestJson } from '../core/client/request-json.js';
import { BOARD_NAME_PATTERN } from './board-name.js';
import { toScoresError } from './client-errors.js';
import { ScoresError } from './errors.js';
import { createSigningFetch, regionOfApiUrl } from './signing-fetch.js';
import type {
  AroundResult,
  LeaderboardEntry,
  LeaderboardPage,
  ScoreHistoryPage,
  SubmitScoreResult,
} from './types.js';

/** Options of {@link ScoreClient}. */
export interface ScoreClientOptions {
  /** Base URL of the API (with the stage), e.g. `https://abc123.execute-api.ap-northeast-2.amazonaws.com/prod`. */
  endpoint: string;
  /**
   * AWS credentials to sign requests with (SigV4, service `execute-api`), for routes with IAM authorization: the
   * credential provider of `KakaoCognitoAuth`, or any `AwsCredentialIdentityProvider`. Without it, requests are
   * sent unsigned (public reads, or a JWT authorizer with {@link ScoreClientOptions.headers}).
   */
  credentials?: AwsCredentialIdentityProvider | AwsCredentialIdentity;
  /** Region to sign for; default: read from an `execute-api` endpoint URL. Required with credentials otherwise. */
  region?: string;
  /** Default `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Extra headers for every request (e.g. `authorization: Bearer <jwt>` for a JWT authorizer), or a function returning them. */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** Board of calls that name none; default: the server's default board. */
  board?: string;
  /** Route paths; default `/scoreboard` and `/scorehistory` (the routes the kit's CDK constructs and local stack serve). */
  paths?: { scoreboard?: string; history?: string };
  /** Per attempt; default 10 000 ms. */
  timeoutMs?: number;
  /** Retries of reads (GET) after network errors, timeouts, 429 and 5xx; default 2. Submissions are never retried. */
  readRetries?: number;
}

/** Per-call options. */
export interface ScoreCallOptions {
  board?: string;
  signal?: AbortSignal;
}

/**
 * Browser-safe client of the score endpoints: submit a score, read a leaderboard page, a player's rank and
 * neighbours, and the score distribution. Signs requests with SigV4 when given credentials. Every failure is a
 * {@link ScoresError} with a typed `code` (test with `isScoresError`): arguments it can reject before sending,
 * the server's answer (e.g. `RATE_LIMITED`, with `status` and `retryAfterSeconds`), or the transport (`NETWORK`,
 * `TIMEOUT`, `ABORTED`). A player without a score is not an error: `around()` and `rank()` answer `null`.
 *
 * @example
 * ```ts
 * import { ScoreClient } from 'serverless-game-kit/scores';
 *
 * const scores = new ScoreClient({ endpoint: api, credentials: auth.credentialProvider });
 * await scores.submit(1200, { name: '토끼' });
 * const { entries } = await scores.leaderboard({ limit: 10 });
 * ```
 */
export class ScoreClient {
  private readonly endpoint: string;
  private readonly fetch: FetchLike;
  private readonly credentials?: AwsCredentialIdentityProvider;
  private readonly headers: ScoreClientOptions['headers'];
  private readonly board?: string;
  private readonly paths: { scoreboard: string; history: string };
  private readonly timeoutMs: number;
  private readonly readRetries: number;

  /** @throws {ScoresError} `INVALID_OPTIONS` for a bad endpoint, a missing region or `fetch`. */
  constructor(options: ScoreClientOptions) {
    if (typeof options?.endpoint !== 'string' || !/^https?:\/\//.test(options.endpoint)) {
      throw new ScoresError(
        'INVALID_OPTIONS',
        'endpoint must be an http(s) URL, e.g. https://abc.execute-api.ap-northeast-2.amazonaws.com/prod.',
      );
    }
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    const baseFetch =
      options.fetch ??
      (typeof globalThis.fetch === 'function' ? globalThis.fetch.bind(globalThis) : undefined);
    if (!baseFetch) throw new ScoresError('INVALID_OPTIONS', 'No fetch available: pass options.fetch.');
    if (options.board !== undefined) assertBoard(options.board, 'INVALID_OPTIONS');
    if (options.credentials !== undefined) {
      const region = options.region ?? regionOfApiUrl(this.endpoint);
      if (!region)
        throw new ScoresError('INVALID_OPTIONS', 'region is required to sign requests to this endpoint.');
      const credentials = options.credentials;
      this.credentials = typeof credentials === 'function' ? credentials : async () => credentials;
      this.fetch = createSigningFetch({ credentials: this.credentials, region, fetch: baseFetch });
    } else {
      this.fetch = baseFetch;
    }
    this.headers = options.headers;
    if (options.board !== undefined) this.board = options.board;
    this.paths = {
      scoreboard: options.paths?.scoreboard ?? '/scoreboard',
      history: options.paths?.history ?? '/scorehistory',
    };
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.readRetries = options.readRetries ?? 2;
  }

  /**
   * Submits a score for the signed-in player (the server takes the player from the request's identity).
   *
   * @param score a finite integer within the server's range.
   * @param options `board`, display `name` (shown on leaderboards), `signal`.
   * @throws {ScoresError} `INVALID_SCORE` / `INVALID_BOARD` before sending.
   * @throws {ScoresError} for a refused or failed request, e.g. code `RATE_LIMITED` (429), `UNAUTHENTICATED` (401),
   *   `NETWORK`.
   * @example
   * ```ts
   * const result = await scores.submit(1200, { board: 'daily#2026-11-21', name: '토끼' });
   * if (result.improved) console.log('new best!');
   * ```
   */
  async submit(
    score: number,
    options: ScoreCallOptions & { name?: string } = {},
  ): Promise<SubmitScoreResult> {
    if (!Number.isSafeInteger(score))
      throw new ScoresError('INVALID_SCORE', 'score must be a finite integer.');
    const board = this.boardOf(options.board);
    const body = {
      score,
      ...(board === undefined ? {} : { board }),
      ...(options.name === undefined ? {} : { name: options.name }),
    };
    return this.request<SubmitScoreResult>(
      this.paths.scoreboard,
      {},
      { method: 'POST', body, signal: options.signal },
    );
  }

  /**
   * One page of a leaderboard, best first.
   *
   * @param options `limit` (default 10), `cursor` from the previous page.
   * @example
   * ```ts
   * let page = await scores.leaderboard({ limit: 50 });
   * while (page.cursor) page = await scores.leaderboard({ limit: 50, cursor: page.cursor });
   * ```
   */
  async leaderboard(
    options: ScoreCallOptions & { limit?: number; cursor?: string } = {},
  ): Promise<LeaderboardPage> {
    const board = this.boardOf(options.board);
    return this.request<LeaderboardPage>(
      this.paths.scoreboard,
      {
        board,
        limit: options.limit === undefined ? undefined : String(options.limit),
        cursor: options.cursor,
      },
      { signal: options.signal },
    );
  }

  /**
   * A player's exact rank and the rows around it, or `null` when the player has no score on the board yet (the
   * server's 404 `PLAYER_NOT_FOUND`, or a `player: null` answer): a state to show, not an error.
   *
   * @param playerId default: the signed-in player.
   * @param options `radius` rows above and below (default 5).
   * @example
   * ```ts
   * const standing = await scores.around();
   * console.log(standing ? `you are #${standing.player.rank}` : 'no score yet');
   * ```
   */
  async around(
    playerId?: string,
    options: ScoreCallOptions & { radius?: number } = {},
  ): Promise<AroundResult | null> {
    const board = this.boardOf(options.board);
    try {
      const result = await this.request<AroundResult | { player?: null }>(
        this.paths.scoreboard,
        {
          board,
          around: playerId ?? 'me',
          radius: options.radius === undefined ? undefined : String(options.radius),
        },
        { signal: options.signal },
      );
      return result.player ? result : null;
    } catch (error) {
      if (error instanceof ScoresError && error.code === 'PLAYER_NOT_FOUND') return null;
      throw error;
    }
  }

  /**
   * A player's row with their exact rank alone (`around` with radius 0), or `null` when the player has no score on
   * the board yet.
   *
   * @param playerId default: the signed-in player.
   * @example
   * ```ts
   * const mine = await scores.rank();
   * if (mine) console.log(`#${mine.rank} with ${mine.score}`);
   * ```
   */
  async rank(playerId?: string, options: ScoreCallOptions = {}): Promise<LeaderboardEntry | null> {
    return (await this.around(playerId, { ...options, radius: 0 }))?.player ?? null;
  }

  /**
   * One page of the score distribution: how many plays ended with each score, by score ascending.
   *
   * @example
   * ```ts
   * const { buckets } = await scores.history();
   * ```
   */
  async history(
    options: ScoreCallOptions & { limit?: number; cursor?: string } = {},
  ): Promise<ScoreHistoryPage> {
    const board = this.boardOf(options.board);
    return this.request<ScoreHistoryPage>(
      this.paths.history,
      {
        board,
        limit: options.limit === undefined ? undefined : String(options.limit),
        cursor: options.cursor,
      },
      { signal: options.signal },
    );
  }

  private boardOf(board: string | undefined): string | undefined {
    const chosen = board ?? this.board;
    if (chosen !== undefined) assertBoard(chosen, 'INVALID_BOARD');
    return chosen;
  }

  private async request<T>(
    path: string,
    query: Record<string, string | undefined>,
    init: { method?: 'GET' | 'POST'; body?: unknown; signal?: AbortSignal | undefined },
  ): Promise<T> {
    if (this.credentials) {
      try {
        await this.credentials();
      } catch (error) {
        throw new ScoresError(
          'UNAUTHENTICATED',
          'Could not get AWS credentials to sign the request; sign in again.',
          { cause: error },
        );
      }
    }
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, value);
    const queryString = search.toString();
    const url = `${this.endpoint}${path}${queryString === '' ? '' : `?${queryString}`}`;
    const headers = await this.requestHeaders();
    const method = init.method ?? 'GET';
    // The last answer's `retry-after`, for a RATE_LIMITED error (readable cross-origin only when the API exposes it).
    let retryAfter: string | null = null;
    const fetchRecordingRetryAfter: FetchLike = async (input, requestInit) => {
      const response = await this.fetch(input, requestInit);
      retryAfter = response.headers.get('retry-after');
      return response;
    };
    try {
      return await requestJson<T>(url, {
        fetch: fetchRecordingRetryAfter,
        method,
        headers,
        ...(init.body === undefined ? {} : { body: init.body }),
        timeoutMs: this.timeoutMs,
        ...(init.signal ? { signal: init.signal } : {}),
        retries: method === 'GET' ? this.readRetries : 0,
      });
    } catch (error) {
      throw toScoresError(error, retryAfter);
    }
  }

  private async requestHeaders(): Promise<Record<string, string>> {
    if (typeof this.headers !== 'function') return this.headers ?? {};
    try {
      return await this.headers();
    } catch (error) {
      throw new ScoresError(
        'UNAUTHENTICATED',
        'The headers function failed, so the request could not be authorized; sign in again.',
        { cause: error },
      );
    }
  }
}

function assertBoard(board: string, code: 'INVALID_OPTIONS' | 'INVALID_BOARD'): void {
  if (typeof board !== 'string' || !BOARD_NAME_PATTERN.test(board)) {
    throw new ScoresError(
      code,
      `"${String(board)}" is not a board name (1-64 letters, digits or _ . : # -).`,
    );
  }
}
