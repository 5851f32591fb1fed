/**
 * `$connect`: checks the room, name, token and player key, stores the connection and creates the room on first
 * join. Sends nothing: the socket is not open yet, clients ask with `sync`.
 *
 * The token and the player key are credentials: they come in the `Sec-WebSocket-Protocol` header (see
 * `subprotocol.ts`), and the chosen subprotocol is echoed as API Gateway requires
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-connect-route-subprotocol.html).
 * The query string carries them only when the handler was created with `queryCredentials: true`.
 */
import { guestPlayerId } from '../../player-identity.js';
import { QUIZ_SUBPROTOCOL, type QuizCredentials, readQuizSubprotocols } from '../../subprotocol.js';
import type { ConnectionRecord } from '../../room-store.js';
import {
  type QuizSocketEvent,
  type QuizSocketResult,
  type RequestContext,
  nowSeconds,
  ok,
  refuse,
} from '../event.js';
import type { RouteDeps } from './deps.js';

/** Room ids: letters (any script), digits, `_` and `-`, 1–64 characters. */
const ROOM_ID = /^[\p{L}\p{N}_-]{1,64}$/u;
/** Display names: 1–20 characters after trimming, no control or format characters. */
export const MAX_NAME_LENGTH = 20;
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
/** Guest player keys chosen by clients: 16–128 URL-safe characters. */
const PLAYER_KEY = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * A display name, NFC, trimmed, inner whitespace collapsed; `undefined` when empty, too long or with control
 * or format characters.
 *
 * @example
 * ```ts
 * normalizeName('  민지  '); // '민지'
 * ```
 */
export function normalizeName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const name = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
  const length = [...name].length;
  if (length === 0 || length > MAX_NAME_LENGTH || FORBIDDEN_IN_NAME.test(name)) return undefined;
  return name;
}

type Verified = { playerId: string; name?: string };

async function verify(
  deps: RouteDeps,
  token: string | undefined,
  context: RequestContext,
): Promise<Verified | undefined | QuizSocketResult> {
  if (deps.verifyToken && token) {
    let verified: Verified | undefined;
    try {
      verified = await deps.verifyToken(token);
    } catch (error) {
      deps.log({ level: 'info', message: 'Refused a token', connectionId: context.connectionId, error });
      return refuse(401, 'INVALID_TOKEN', 'The token was not accepted.');
    }
    if (
      typeof verified?.playerId !== 'string' ||
      verified.playerId.length === 0 ||
      verified.playerId.length > 128
    ) {
      return refuse(401, 'INVALID_TOKEN', 'The token names no player.');
    }
    return verified;
  }
  if (deps.settings.requireToken) return refuse(401, 'TOKEN_REQUIRED', 'This game needs a token to join.');
  return undefined;
}

function headerOf(event: QuizSocketEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  }
  return undefined;
}

/**
 * Where the token and player key came from: the `Sec-WebSocket-Protocol` header (the default), or the query
 * string when the handler allows it (`queryCredentials`). A refusal when they are malformed or in a query string
 * that is not allowed.
 */
function credentialsOf(
  deps: RouteDeps,
  event: QuizSocketEvent,
): { credentials: QuizCredentials; subprotocol: boolean } | QuizSocketResult {
  const offered = readQuizSubprotocols(headerOf(event, 'sec-websocket-protocol'));
  if (offered.invalid)
    return refuse(400, 'INVALID_SUBPROTOCOL', 'The token in Sec-WebSocket-Protocol is not base64url.');
  const query = event.queryStringParameters ?? {};
  const inQuery = query.token !== undefined || query.player !== undefined;
  if (inQuery && !deps.settings.queryCredentials) {
    return refuse(
      400,
      'CREDENTIALS_IN_QUERY',
      'Send the token and player key in the Sec-WebSocket-Protocol header, not in the URL.',
    );
  }
  const credentials: QuizCredentials = inQuery
    ? {
        ...(query.token === undefined ? {} : { token: query.token }),
        ...(query.player === undefined ? {} : { playerKey: query.player }),
      }
    : offered.credentials;
  return { credentials, subprotocol: offered.quiz };
}

/**
 * Handles `$connect`.
 *
 * @example
 * ```ts
 * if (kind === 'CONNECT') return handleConnect(deps, event, context);
 * ```
 */
export async function handleConnect(
  deps: RouteDeps,
  event: QuizSocketEvent,
  context: RequestContext,
): Promise<QuizSocketResult> {
  const query = event.queryStringParameters ?? {};
  const roomId = query.room?.trim();
  if (!roomId || !ROOM_ID.test(roomId)) {
    return refuse(400, 'INVALID_ROOM', 'room must be 1–64 letters, digits, "_" or "-".');
  }
  const offered = credentialsOf(deps, event);
  if ('statusCode' in offered) return offered;
  const { credentials } = offered;
  const verified = await verify(deps, credentials.token, context);
  if (verified !== undefined && 'statusCode' in verified) return verified;
  const name = normalizeName(query.name ?? verified?.name);
  if (!name) {
    return refuse(
      400,
      'INVALID_NAME',
      `name must be 1–${MAX_NAME_LENGTH} characters, without control characters.`,
    );
  }
  const playerKey = credentials.playerKey;
  if (playerKey !== undefined && !PLAYER_KEY.test(playerKey)) {
    return refuse(400, 'INVALID_PLAYER_KEY', 'player must be 16–128 URL-safe characters.');
  }
  const dict = await deps.dictionary();
  const at = deps.now();
  const record: ConnectionRecord = {
    connectionId: context.connectionId,
    roomId,
    name,
    playerId: verified?.playerId ?? guestPlayerId(playerKey ?? context.connectionId),
    connectedAt: context.connectedAt ?? at,
    ttl: nowSeconds(at) + deps.settings.connectionTtlSeconds,
  };
  await Promise.all([deps.store.putConnection(record), deps.rooms.ensure(roomId, dict, at)]);
  deps.connections.remember(record);
  // API Gateway relays this header of the $connect result to the client, which requires one it offered.
  return offered.subprotocol ? { ...ok(), headers: { 'Sec-WebSocket-Protocol': QUIZ_SUBPROTOCOL } } : ok();
}
