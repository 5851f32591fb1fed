/**
 * The two conditional writes that change a round: ending it when its time ran out, and recording a correct
 * answer. Both retry on a stale version (someone else changed the room first), at most `maxAnswerAttempts` times.
 */
import { type BackoffOptions, type Timers, backoffDelay, globalTimers, sleep } from '../../core/backoff.js';
import type { QuizDictionary } from '../dictionary.js';
import { type QuizRules, type RoomGame, acceptAnswer, expireRound } from '../game.js';
import type { CorrectEvent, ErrorEvent } from '../protocol.js';
import type { ConnectionRecord, QuizStore } from '../room-store.js';
import type { QuizSocketSettings } from '../socket-options.js';
import { errorEvent } from './event.js';
import type { RoomReader } from './room-snapshot.js';

/**
 * The wait between two tries of a contended conditional write: full jitter below 5 ms, doubling per retry up to
 * 75 ms. Contention lasts as long as the other write (a few milliseconds), so the waits stay short; the jitter
 * spreads the losers so they do not collide again.
 */
export const ROUND_COMMIT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({
  initialDelayMs: 5,
  maxDelayMs: 75,
  factor: 2,
});

/** Randomness and timers of the retry waits, injectable for tests. */
export interface RoundCommitTiming {
  /** A `[0, 1)` source for the jitter; default `Math.random`. */
  random?: () => number;
  /** Default: the global timers. */
  timers?: Timers;
}

/** How a correct answer ended. */
export type AnswerOutcome =
  | { kind: 'won'; game: RoomGame; event: Omit<CorrectEvent, 'score'> }
  | { kind: 'rejected'; error: ErrorEvent };

/**
 * Commits round changes to the store.
 *
 * @example
 * ```ts
 * const rounds = new RoundCommits(store, rooms, rules, settings);
 * const { game, changed } = await rounds.settleExpiry(game, dict, Date.now());
 * ```
 */
export class RoundCommits {
  constructor(
    private readonly store: QuizStore,
    private readonly rooms: RoomReader,
    private readonly rules: QuizRules,
    private readonly settings: Pick<QuizSocketSettings, 'maxAnswerAttempts'>,
    private readonly timing: RoundCommitTiming = {},
  ) {}

  /** Ends the round if its time ran out; the game to use afterwards and whether it changed. */
  async settleExpiry(
    game: RoomGame,
    dict: QuizDictionary,
    at: number,
  ): Promise<{ game: RoomGame; changed: boolean }> {
    let current = game;
    for (let attempt = 0; attempt < this.settings.maxAnswerAttempts; attempt++) {
      const expired = expireRound(current, dict, this.rules, at);
      if (!expired) return { game: current, changed: current !== game };
      if ((await this.store.commitGame(current, expired.game, this.rooms.ttlAt(at))) === 'ok') {
        return { game: expired.game, changed: true };
      }
      current = await this.rooms.loadGame(game.roomId, dict, at);
    }
    return { game: current, changed: current.version !== game.version };
  }

  /** Records a correct answer; exactly one of simultaneous answers wins a round's last slot. */
  async answer(
    connection: ConnectionRecord,
    judged: RoomGame,
    word: string,
    dict: QuizDictionary,
    at: number,
  ): Promise<AnswerOutcome> {
    let game = judged;
    for (let attempt = 0; attempt < this.settings.maxAnswerAttempts; attempt++) {
      const accepted = acceptAnswer(
        game,
        { playerId: connection.playerId, name: connection.name, word },
        dict,
        this.rules,
        at,
      );
      const result = await this.store.commitAnswer(
        game,
        accepted.game,
        { playerId: connection.playerId, name: connection.name, points: accepted.answer.points },
        this.rooms.ttlAt(at),
      );
      if (result === 'ok') {
        return {
          kind: 'won',
          game: accepted.game,
          event: {
            type: 'correct',
            round: game.round,
            pattern: game.pattern,
            ...accepted.answer,
            roundEnded: accepted.roundEnded,
          },
        };
      }
      game = await this.rooms.loadGame(judged.roomId, dict, at);
      if (game.round !== judged.round || game.gameId !== judged.gameId) {
        const winner =
          game.lastRound?.round === judged.round ? game.lastRound.answers.at(-1)?.name : undefined;
        return {
          kind: 'rejected',
          error: errorEvent(
            'ROUND_TAKEN',
            winner
              ? `Round ${judged.round} is over: ${winner} answered first.`
              : `Round ${judged.round} is over.`,
            judged.round,
          ),
        };
      }
      if (game.answers.some((answer) => answer.word === word)) {
        return {
          kind: 'rejected',
          error: errorEvent('WORD_ALREADY_USED', `"${word}" was already given this round.`, game.round),
        };
      }
      if (attempt + 1 < this.settings.maxAnswerAttempts) await this.waitBeforeRetry(attempt + 1);
    }
    return {
      kind: 'rejected',
      error: errorEvent('BUSY', 'The room is busy; send your answer again.', judged.round),
    };
  }

  /** Waits before retry `retry` (1 for the first) of a write that lost to another one. */
  private async waitBeforeRetry(retry: number): Promise<void> {
    const delayMs = backoffDelay(retry, ROUND_COMMIT_BACKOFF, this.timing.random);
    await sleep(delayMs, { timers: this.timing.timers ?? globalTimers });
  }
}
