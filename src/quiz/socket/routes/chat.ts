/**
 * `{"action":"chat","text":"…"}`: stores the line, judges it as an answer (when it could be one, or when the
 * round may have expired), and broadcasts the line — with the `correct` event and the new `state` when the
 * round changed — to the room in one frame per member.
 */
import { randomBytes } from 'node:crypto';
import { QuizDictionary } from '../../dictionary.js';
import { judgeAnswer } from '../../game.js';
import { type ChatEvent, type ClientMessage, MAX_TEXT_LENGTH, type ServerEvent } from '../../protocol.js';
import type { ChatRecord, ConnectionRecord } from '../../room-store.js';
import { type RequestContext, errorEvent, nowSeconds } from '../event.js';
import { stateOf } from '../room-snapshot.js';
import type { AnswerOutcome } from '../round-commits.js';
import type { RouteDeps } from './deps.js';

/**
 * Handles a `chat` message of a joined connection.
 *
 * @example
 * ```ts
 * if (message.action === 'chat') await handleChat(deps, context, connection, message);
 * ```
 */
export async function handleChat(
  deps: RouteDeps,
  context: RequestContext,
  connection: ConnectionRecord,
  message: Extract<ClientMessage, { action: 'chat' }>,
): Promise<void> {
  const { store, rooms, rounds, posts, settings, rules } = deps;
  const text = message.text.trim();
  if (text.length === 0) {
    await posts.sendTo(context, errorEvent('EMPTY_TEXT', 'Say something: the text is empty.'));
    return;
  }
  if (text.length > MAX_TEXT_LENGTH) {
    await posts.sendTo(
      context,
      errorEvent('TEXT_TOO_LONG', `Texts are at most ${MAX_TEXT_LENGTH} characters.`),
    );
    return;
  }
  const dict = await deps.dictionary();
  const at = deps.now();
  const line: ChatRecord = {
    id: context.messageId ?? randomBytes(8).toString('base64url'),
    playerId: connection.playerId,
    name: connection.name,
    text,
    ts: at,
  };
  const judge = dict.has(QuizDictionary.normalize(text)) || rules.roundTimeLimitMs !== undefined;
  // Who is in the room does not depend on the answer: ask at once, in parallel with the rest.
  const listing = store.listRoomConnections(connection.roomId, nowSeconds(at));
  listing.catch(() => undefined);
  const [game] = await Promise.all([
    judge ? rooms.loadGame(connection.roomId, dict, at) : Promise.resolve(undefined),
    store.putChat(connection.roomId, line, nowSeconds(at) + settings.chatTtlSeconds),
  ]);

  let stateChanged = false;
  let outcome: AnswerOutcome | undefined;
  let judgedRound: number | undefined;
  if (game) {
    const settled = await rounds.settleExpiry(game, dict, at);
    stateChanged = settled.changed;
    judgedRound = settled.game.round;
    const verdict = judgeAnswer(settled.game, text, dict, message.round);
    if (verdict.kind === 'correct') {
      outcome = await rounds.answer(connection, settled.game, verdict.word, dict, at);
      if (outcome.kind === 'won') stateChanged = true;
    } else if (verdict.kind === 'used') {
      outcome = {
        kind: 'rejected',
        error: errorEvent(
          'WORD_ALREADY_USED',
          `"${verdict.word}" was already given this round.`,
          settled.game.round,
        ),
      };
    } else if (verdict.kind === 'late') {
      outcome = {
        kind: 'rejected',
        error: errorEvent('ROUND_TAKEN', `Round ${message.round ?? judgedRound - 1} is over.`, message.round),
      };
    }
  }

  const chatEvent: ChatEvent = {
    type: 'chat',
    ...line,
    ...(judgedRound === undefined ? {} : { round: judgedRound }),
  };
  const events: ServerEvent[] = [chatEvent];
  if (stateChanged) {
    const [room, members] = await Promise.all([rooms.state(connection.roomId, dict, at), listing]);
    if (outcome?.kind === 'won') {
      const score =
        room.scores.find((entry) => entry.playerId === connection.playerId)?.score ?? outcome.event.points;
      events.push({ ...outcome.event, score });
    }
    events.push(stateOf({ ...room, members }, rules, settings, at));
    await posts.broadcast(context, members, events);
  } else {
    await posts.broadcast(context, await listing, events);
  }
  if (outcome?.kind === 'rejected') await posts.sendTo(context, outcome.error);
}
