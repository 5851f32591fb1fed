/**
 * `$disconnect`: removes the connection and tells the room when the player has no other connection there.
 */
import type { PresenceEvent } from '../../protocol.js';
import { type QuizSocketResult, type RequestContext, nowSeconds, ok } from '../event.js';
import { distinctPlayers } from '../room-snapshot.js';
import type { RouteDeps } from './deps.js';

/**
 * Handles `$disconnect`.
 *
 * @example
 * ```ts
 * if (kind === 'DISCONNECT') return handleDisconnect(deps, context);
 * ```
 */
export async function handleDisconnect(deps: RouteDeps, context: RequestContext): Promise<QuizSocketResult> {
  deps.connections.drop(context.connectionId);
  deps.limiter?.forget(context.connectionId);
  const record = await deps.store.deleteConnection(context.connectionId);
  if (!record) return ok();
  const at = deps.now();
  const [members] = await Promise.all([
    deps.store.listRoomConnections(record.roomId, nowSeconds(at)),
    deps.store.refreshRoomTtl(record.roomId, deps.rooms.ttlAt(at), nowSeconds(at)),
  ]);
  const players = distinctPlayers(members);
  if (!players.has(record.playerId) && members.length > 0) {
    const presence: PresenceEvent = {
      type: 'presence',
      event: 'leave',
      playerId: record.playerId,
      name: record.name,
      playerCount: players.size,
    };
    await deps.posts.broadcast(context, members, [presence]);
  }
  return ok();
}
