/**
 * Reading a room: its game (created when missing or expired), scores, members and recent chat, and the `state`
 * event built from them.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { QuizDictionary } from '../dictionary.js';
import { type QuizRules, type RoomGame, createGame, rankStandings, roundEndsAt } from '../game.js';
import type { QuizState } from '../protocol.js';
import type { ChatRecord, ConnectionRecord, QuizStore, ScoreRecord } from '../room-store.js';
import type { QuizSocketSettings } from '../socket-options.js';
import { nowSeconds } from './event.js';

/** A room's members and everything a `state` shows. */
export interface RoomSnapshot {
  game: RoomGame;
  scores: ScoreRecord[];
  members: ConnectionRecord[];
  chat: ChatRecord[];
}

/**
 * One entry per player (a player may have several connections), the last connection winning.
 *
 * @example
 * ```ts
 * distinctPlayers(members).size; // players in the room
 * ```
 */
export function distinctPlayers(connections: readonly ConnectionRecord[]): Map<string, ConnectionRecord> {
  const players = new Map<string, ConnectionRecord>();
  for (const connection of connections) players.set(connection.playerId, connection);
  return players;
}

/**
 * The `state` event of a snapshot: standings (connected players and everyone who scored, best first, at most
 * `maxPlayersInState`), the round, recent chat, and `self` for the connection that asked.
 *
 * @example
 * ```ts
 * await posts.sendTo(context, stateOf(room, rules, settings, Date.now(), connection));
 * ```
 */
export function stateOf(
  room: RoomSnapshot,
  rules: QuizRules,
  settings: Pick<QuizSocketSettings, 'maxPlayersInState'>,
  at: number,
  self?: ConnectionRecord,
): QuizState {
  const connected = distinctPlayers(room.members);
  const byPlayer = new Map<
    string,
    { playerId: string; name: string; score: number; answers: number; connected: boolean }
  >();
  for (const score of room.scores) byPlayer.set(score.playerId, { ...score, connected: false });
  for (const [playerId, connection] of connected) {
    const known = byPlayer.get(playerId);
    byPlayer.set(playerId, {
      playerId,
      name: connection.name,
      score: known?.score ?? 0,
      answers: known?.answers ?? 0,
      connected: true,
    });
  }
  const endsAt = roundEndsAt(room.game, rules);
  return {
    type: 'state',
    roomId: room.game.roomId,
    round: room.game.round,
    pattern: room.game.pattern,
    roundStartedAt: room.game.roundStartedAt,
    ...(endsAt === undefined ? {} : { roundEndsAt: endsAt }),
    answersPerRound: rules.answersPerRound,
    answers: [...room.game.answers],
    players: rankStandings([...byPlayer.values()]).slice(0, settings.maxPlayersInState),
    playerCount: connected.size,
    chat: room.chat.map(({ id, playerId, name, text, ts }) => ({ id, playerId, name, text, ts })),
    ...(room.game.lastRound ? { lastRound: room.game.lastRound } : {}),
    ...(self ? { self: { playerId: self.playerId, name: self.name } } : {}),
    serverTime: at,
  };
}

/**
 * Reads rooms from the store, creating a room's game when it is missing or expired.
 *
 * @example
 * ```ts
 * const rooms = new RoomReader(store, settings);
 * const room = await rooms.snapshot('lobby', dict, Date.now());
 * ```
 */
export class RoomReader {
  constructor(
    private readonly store: QuizStore,
    private readonly settings: Pick<QuizSocketSettings, 'roomTtlSeconds' | 'recentChat'>,
    /** Seed of every new room's pattern draws; default a random seed per room. */
    private readonly seed?: number,
  ) {}

  /** The room item's TTL for a change at `at`. */
  ttlAt(at: number): number {
    return nowSeconds(at) + this.settings.roomTtlSeconds;
  }

  /** A fresh game for a room. */
  newGame(roomId: string, dict: QuizDictionary, at: number): RoomGame {
    return createGame(
      { roomId, gameId: randomBytes(6).toString('base64url'), seed: this.seed ?? randomInt(0, 2 ** 31) },
      dict,
      at,
    );
  }

  /** Creates the room unless it exists. */
  async ensure(roomId: string, dict: QuizDictionary, at: number): Promise<void> {
    await this.store.ensureRoom(roomId, () => this.newGame(roomId, dict, at), at, this.ttlAt(at));
  }

  /** The room's game, creating a fresh one when it expired while players were still connected. */
  async loadGame(roomId: string, dict: QuizDictionary, at: number): Promise<RoomGame> {
    const game = await this.store.getRoom(roomId, nowSeconds(at));
    if (game) return game;
    await this.ensure(roomId, dict, at);
    const created = await this.store.getRoom(roomId, nowSeconds(at));
    if (!created) throw new Error(`Room ${roomId} could not be created.`);
    return created;
  }

  /** The game, scores and recent chat (everything a state shows but the members). */
  async state(roomId: string, dict: QuizDictionary, at: number): Promise<Omit<RoomSnapshot, 'members'>> {
    const [room, chat] = await Promise.all([
      this.store.getRoomWithScores(roomId, nowSeconds(at)),
      this.store.recentChat(roomId, this.settings.recentChat, nowSeconds(at)),
    ]);
    if (room) return { ...room, chat };
    return { game: await this.loadGame(roomId, dict, at), scores: [], chat };
  }

  /** Everything a state shows. */
  async snapshot(roomId: string, dict: QuizDictionary, at: number): Promise<RoomSnapshot> {
    const [room, members] = await Promise.all([
      this.state(roomId, dict, at),
      this.store.listRoomConnections(roomId, nowSeconds(at)),
    ]);
    return { ...room, members };
  }
}
