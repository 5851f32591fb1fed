/** Keeps a client's copy of the room state current between `state` events. Pure and browser-safe. */
import { rankStandings } from './game.js';
import type { ChatEvent, PresenceEvent, QuizState } from './protocol.js';

/** Chat lines a client keeps in `state.chat`. */
export const CLIENT_CHAT_HISTORY = 50;

/**
 * The state with a chat line appended (oldest lines dropped past {@link CLIENT_CHAT_HISTORY}); a line already
 * present (same id) is not added twice.
 *
 * @example
 * ```ts
 * import { applyChat } from 'serverless-game-kit/quiz';
 *
 * state = applyChat(state, chatEvent);
 * ```
 */
export function applyChat(state: QuizState, event: ChatEvent): QuizState {
  if (state.chat.some((line) => line.id === event.id)) return state;
  const { type: _type, round: _round, ...line } = event;
  return { ...state, chat: [...state.chat, line].slice(-CLIENT_CHAT_HISTORY) };
}

/**
 * The state after a player joined or left: the player count, and the player listed (score 0) or marked as
 * disconnected.
 *
 * @example
 * ```ts
 * import { applyPresence } from 'serverless-game-kit/quiz';
 *
 * state = applyPresence(state, { type: 'presence', event: 'join', playerId: 'p2', name: '지훈', playerCount: 2 });
 * ```
 */
export function applyPresence(state: QuizState, event: PresenceEvent): QuizState {
  const joined = event.event === 'join';
  const known = state.players.find((player) => player.playerId === event.playerId);
  const players = known
    ? state.players.map((player) =>
        player.playerId === event.playerId ? { ...player, name: event.name, connected: joined } : player,
      )
    : joined
      ? [
          ...state.players,
          { playerId: event.playerId, name: event.name, score: 0, answers: 0, rank: 0, connected: true },
        ]
      : state.players;
  return { ...state, playerCount: event.playerCount, players: rankStandings(players) };
}
