/**
 * The quiz's WebSocket subprotocol: how `QuizRoom` hands the join token and the player key to `$connect` in the
 * `Sec-WebSocket-Protocol` header instead of the URL (URLs end up in access logs, proxies and browser consoles).
 * Browser-safe: no Node built-ins.
 *
 * The client offers `sgk.quiz.v1` plus `sgk.token.<base64url of the token>` and `sgk.player.<key>`; the server
 * reads them and echoes `sgk.quiz.v1`, the only one it selects (API Gateway passes the `$connect` result's
 * `Sec-WebSocket-Protocol` header to the client, which fails the handshake if it names nothing it offered).
 */

/** The subprotocol `QuizRoom` offers and the socket handler selects. */
export const QUIZ_SUBPROTOCOL = 'sgk.quiz.v1';

const TOKEN_PREFIX = 'sgk.token.';
const PLAYER_PREFIX = 'sgk.player.';
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Credentials carried in the subprotocol header. */
export interface QuizCredentials {
  token?: string;
  playerKey?: string;
}

function toBase64Url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(encoded: string): string | undefined {
  if (!BASE64URL.test(encoded) || encoded.length % 4 === 1) return undefined;
  try {
    const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The subprotocols a client offers: the quiz's own first, then the credentials (each a valid header token).
 *
 * @example
 * ```ts
 * new WebSocket(url, quizSubprotocols({ token, playerKey }));
 * ```
 */
export function quizSubprotocols(credentials: QuizCredentials): string[] {
  return [
    QUIZ_SUBPROTOCOL,
    ...(credentials.token ? [`${TOKEN_PREFIX}${toBase64Url(credentials.token)}`] : []),
    ...(credentials.playerKey ? [`${PLAYER_PREFIX}${credentials.playerKey}`] : []),
  ];
}

/**
 * Reads a `Sec-WebSocket-Protocol` request header: whether the quiz's subprotocol was offered, and the
 * credentials in it. A malformed token entry is reported as `invalid` (never echoed anywhere).
 *
 * @example
 * ```ts
 * const offered = readQuizSubprotocols(headers['sec-websocket-protocol']);
 * if (offered.quiz) response.headers = { 'Sec-WebSocket-Protocol': QUIZ_SUBPROTOCOL };
 * ```
 */
export function readQuizSubprotocols(header: string | undefined): {
  quiz: boolean;
  credentials: QuizCredentials;
  invalid: boolean;
} {
  const credentials: QuizCredentials = {};
  let quiz = false;
  let invalid = false;
  for (const entry of (header ?? '').split(',')) {
    const value = entry.trim();
    if (value === QUIZ_SUBPROTOCOL) quiz = true;
    else if (value.startsWith(TOKEN_PREFIX)) {
      const token = fromBase64Url(value.slice(TOKEN_PREFIX.length));
      if (token === undefined || token === '') invalid = true;
      else credentials.token = token;
    } else if (value.startsWith(PLAYER_PREFIX)) credentials.playerKey = value.slice(PLAYER_PREFIX.length);
  }
  return { quiz, credentials, invalid };
}
