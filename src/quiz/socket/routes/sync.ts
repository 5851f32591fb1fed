/**
 * `{"action":"sync"}`: the room's `state` to the sender (ending an expired round first, and then telling the
 * others), and the player's first `presence` join to the room.
 */
import type { PresenceEvent } from '../../protocol.js';
import type { ConnectionRecord } from '../../room-store.js';
import type { RequestContext } from '../event.js';
import { distinctPlayers, stateOf } from '../room-snapshot.js';
import type { RouteDeps } from './deps.js';

/**
 * Handles a `sync` message of a joined connection.
 *
 * @example
 * ```ts
 * if (message.action === 'sync') await handleSync(deps, context, connection);
 * ```
 */
export async function handleSync(
  deps: RouteDeps,
  context: RequestContext,
  connection: ConnectionRecord,
): Promise<void> {
  const { rooms, rounds, posts, settings, rules } = deps;
  const dict = await deps.dictionary();
  const at = deps.now();
  let room = await rooms.snapshot(connection.roomId, dict, at);
  const settled = await rounds.settleExpiry(room.game, dict, at);
  if (settled.changed) room = await rooms.snapshot(connection.roomId, dict, at);
  await posts.sendTo(context, stateOf(room, rules, settings, at, connection));
  const others = room.members.filter((member) => member.connectionId !== connection.connectionId);
  if (settled.changed) await posts.broadcast(context, others, [stateOf(room, rules, settings, at)]);
  if (deps.connections.announced(connection.connectionId)) return;
  const first = await deps.store.markAnnounced(connection.connectionId);
  deps.connections.markAnnounced(connection.connectionId);
  if (!first) return;
  const presence: PresenceEvent = {
    type: 'presence',
    event: 'join',
    playerId: connection.playerId,
    name: connection.name,
    playerCount: distinctPlayers(room.members).size,
  };
  await posts.broadcast(context, others, [presence]);
}
