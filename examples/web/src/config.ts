import { BOARD_NAME_PATTERN } from 'serverless-game-kit/scores';
import { DemoError } from './messages.js';

/**
 * What the page needs to reach the backend (`config.json`, next to the page) and the options its address can
 * carry. Pure functions apart from {@link loadConfig}'s `fetch`.
 */

/**
 * `config.json`: the shape a deployment outputs (`gameClientConfig()` of the local stack), plus the local demo's
 * stand-in for Kakao's JavaScript login.
 */
export interface WebDemoConfig {
  region: string;
  httpApi: string;
  authEndpoint: string;
  identityPoolId: string;
  cognitoEndpoint?: string;
  websocket: string;
  /**
   * Local stack only: `POST {kakaoId}` → `{accessToken}`, a test token of the local Kakao server. A deployed game
   * logs in with Kakao's JavaScript SDK instead (see `examples/kakao-login/`).
   */
  localKakaoTokenUrl?: string;
}

/** Settings taken from the page's query string (they also isolate test runs from each other). */
export interface PageOptions {
  /** Quiz room, `?room=`; default `lobby`. */
  room: string;
  /** Leaderboard, `?board=`; default `global`. */
  board: string;
  /** Length of a game in ms, `?duration=`; default 5000, 1000–60 000. */
  durationMs: number;
  /** Nickname to prefill, `?name=`. */
  name: string;
}

const ROOM_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Reads the page options from a query string; bad values fall back to the defaults.
 *
 * @param search - `location.search`, with or without `?`.
 * @example
 * ```ts
 * readPageOptions('?room=test-1&duration=2000'); // { room: 'test-1', board: 'global', durationMs: 2000, name: '' }
 * ```
 */
export function readPageOptions(search: string): PageOptions {
  const params = new URLSearchParams(search);
  const room = params.get('room') ?? '';
  const board = params.get('board') ?? '';
  const duration = Number(params.get('duration'));
  return {
    room: ROOM_PATTERN.test(room) ? room : 'lobby',
    board: BOARD_NAME_PATTERN.test(board) ? board : 'global',
    durationMs: Number.isInteger(duration) && duration >= 1000 && duration <= 60_000 ? duration : 5000,
    name: (params.get('name') ?? '').trim().slice(0, 20),
  };
}

function requireString(value: Record<string, unknown>, key: string): string {
  const field = value[key];
  if (typeof field !== 'string' || field.length === 0) {
    throw new DemoError('CONFIG_INVALID', `config.json에 ${key} 값이 없어요.`);
  }
  return field;
}

function optionalString(value: Record<string, unknown>, key: string): string | undefined {
  const field = value[key];
  return typeof field === 'string' && field.length > 0 ? field : undefined;
}

/**
 * Checks a parsed `config.json`.
 *
 * @throws {DemoError} `CONFIG_INVALID`, naming the first missing field.
 * @example
 * ```ts
 * const config = parseConfig(await (await fetch('./config.json')).json());
 * ```
 */
export function parseConfig(json: unknown): WebDemoConfig {
  if (typeof json !== 'object' || json === null) {
    throw new DemoError('CONFIG_INVALID', 'config.json이 JSON 객체가 아니에요.');
  }
  const value = json as Record<string, unknown>;
  const cognitoEndpoint = optionalString(value, 'cognitoEndpoint');
  const localKakaoTokenUrl = optionalString(value, 'localKakaoTokenUrl');
  return {
    region: requireString(value, 'region'),
    httpApi: requireString(value, 'httpApi'),
    authEndpoint: requireString(value, 'authEndpoint'),
    identityPoolId: requireString(value, 'identityPoolId'),
    websocket: requireString(value, 'websocket'),
    ...(cognitoEndpoint ? { cognitoEndpoint } : {}),
    ...(localKakaoTokenUrl ? { localKakaoTokenUrl } : {}),
  };
}

/**
 * Fetches and checks `config.json` next to the page.
 *
 * @throws {DemoError} `CONFIG_UNAVAILABLE` when it cannot be fetched, `CONFIG_INVALID` when it is incomplete.
 * @example
 * ```ts
 * const config = await loadConfig();
 * ```
 */
export async function loadConfig(url = './config.json'): Promise<WebDemoConfig> {
  const response = await fetch(url, { cache: 'no-store' }).catch(() => {
    throw new DemoError('NETWORK', `${url}에 연결할 수 없어요.`);
  });
  if (!response.ok) {
    throw new DemoError('CONFIG_UNAVAILABLE', `${url}을(를) 읽지 못했어요 (HTTP ${response.status}).`);
  }
  return parseConfig(await response.json());
}
