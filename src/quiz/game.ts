/**
 * The quiz's rules as pure functions over a room's game state: draw a pattern, judge an answer, accept it,
 * end rounds, rank players. No I/O and no clock: callers pass `now`. The socket handler stores the
 * {@link RoomGame} in DynamoDB and uses these to compute every transition before a conditional write.
 */
import { QuizDictionary } from './dictionary.js';
import { QuizError } from './errors.js';
import type { PlayerStanding, RoundAnswer, RoundSummary } from './protocol.js';

/** How a room plays; see {@link resolveQuizRules} for the defaults. */
export interface QuizRules {
  /** Correct answers that end a round: 1 = the first correct answer wins the round (the original game). */
  readonly answersPerRound: number;
  /** End a round after this long even without enough answers; `undefined` = no limit. */
  readonly roundTimeLimitMs: number | undefined;
  /** Points of the 1st, 2nd, … correct answer of a round; the last entry repeats. */
  readonly points: readonly number[];
  /** A new pattern differs from this many previous ones (when the dictionary has enough patterns). */
  readonly recentPatterns: number;
  /** How many not-given answers a round summary shows. */
  readonly otherAnswersShown: number;
}

/** Options for {@link resolveQuizRules}: every field optional. */
export interface QuizRulesOptions {
  /** Default 1. */
  answersPerRound?: number;
  /** Milliseconds, > 0; default: no limit. */
  roundTimeLimitMs?: number;
  /** A number for every answer, or a list by answer order (last repeats). Default 1. */
  points?: number | readonly number[];
  /** Default 20. */
  recentPatterns?: number;
  /** Default 5. */
  otherAnswersShown?: number;
}

/** A room's game as the handler stores it. */
export interface RoomGame {
  readonly roomId: string;
  /** Changes when an expired room starts over; scores belong to one game. */
  readonly gameId: string;
  /** Seeds the room's pattern draws. */
  readonly seed: number;
  /** Increases with every change; the conditional write compares it. */
  readonly version: number;
  readonly round: number;
  readonly pattern: string;
  readonly roundStartedAt: number;
  /** Correct answers accepted this round, in order. */
  readonly answers: readonly RoundAnswer[];
  /** Patterns of the previous rounds, newest last, at most `rules.recentPatterns`. */
  readonly recentPatterns: readonly string[];
  readonly lastRound?: RoundSummary;
  /** When the game started (epoch ms). */
  readonly createdAt: number;
}

/** What a chat text means for the current round; see {@link judgeAnswer}. */
export type AnswerVerdict =
  /** A dictionary word that fits the pattern and was not given this round. */
  | { readonly kind: 'correct'; readonly word: string }
  /** Fits the pattern, but someone gave it this round already. */
  | { readonly kind: 'used'; readonly word: string }
  /** A dictionary word sent for an earlier round that someone else has already won. */
  | { readonly kind: 'late'; readonly word: string }
  /** Just chat. */
  | { readonly kind: 'chat' };

/** The result of {@link acceptAnswer}. */
export interface AcceptedAnswer {
  /** The game after the answer (next round when it ended this one). */
  readonly game: RoomGame;
  readonly answer: RoundAnswer;
  readonly roundEnded: boolean;
  /** The finished round, when `roundEnded`. */
  readonly summary?: RoundSummary;
}

/** A player's score record, input of {@link rankStandings}. */
export interface PlayerScore {
  readonly playerId: string;
  readonly name: string;
  readonly score: number;
  readonly answers: number;
  readonly connected: boolean;
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/**
 * Fills in and checks a room's rules: one answer per round, no time limit, 1 point per answer, 20 recent
 * patterns avoided, 5 other answers shown.
 *
 * @param options - Overrides.
 * @returns The complete, frozen rules.
 * @throws {QuizError} `INVALID_OPTIONS` for a non-positive `answersPerRound` or time limit, or bad points.
 * @example
 * ```ts
 * import { resolveQuizRules } from 'serverless-game-kit/quiz';
 *
 * const rules = resolveQuizRules({ answersPerRound: 3, points: [3, 2, 1], roundTimeLimitMs: 60_000 });
 * ```
 */
export function resolveQuizRules(options: QuizRulesOptions = {}): QuizRules {
  const answersPerRound = options.answersPerRound ?? 1;
  if (!isPositiveInteger(answersPerRound)) {
    throw new QuizError(
      'INVALID_OPTIONS',
      `answersPerRound must be a positive integer, not ${String(answersPerRound)}.`,
    );
  }
  const limit = options.roundTimeLimitMs;
  if (limit !== undefined && !(typeof limit === 'number' && Number.isFinite(limit) && limit > 0)) {
    throw new QuizError('INVALID_OPTIONS', `roundTimeLimitMs must be a positive number of milliseconds.`);
  }
  const rawPoints = options.points ?? 1;
  const points = typeof rawPoints === 'number' ? [rawPoints] : [...rawPoints];
  if (
    points.length === 0 ||
    !points.every((value) => typeof value === 'number' && Number.isFinite(value) && value >= 0)
  ) {
    throw new QuizError(
      'INVALID_OPTIONS',
      'points must be a non-negative number or a non-empty list of them.',
    );
  }
  const recentPatterns = options.recentPatterns ?? 20;
  const otherAnswersShown = options.otherAnswersShown ?? 5;
  if (!isNonNegativeInteger(recentPatterns) || !isNonNegativeInteger(otherAnswersShown)) {
    throw new QuizError(
      'INVALID_OPTIONS',
      'recentPatterns and otherAnswersShown must be non-negative integers.',
    );
  }
  return Object.freeze({
    answersPerRound,
    roundTimeLimitMs: limit,
    points: Object.freeze(points),
    recentPatterns,
    otherAnswersShown,
  });
}

/** FNV-1a over the UTF-16 code units, then a murmur-style finalizer: a well-mixed 32-bit value. */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * Draws the pattern of a round, reproducibly: the same seed, room and round give the same pattern, so tests
 * (and replays) can predict it and concurrent writers agree. Patterns in `avoid` are skipped while others
 * remain.
 *
 * @param dictionary - Supplies the playable patterns.
 * @param seed - The room's seed.
 * @param roomId - The room (rooms with the same seed still differ).
 * @param round - The round number.
 * @param avoid - Recent patterns not to repeat.
 * @returns A playable pattern.
 * @example
 * ```ts
 * import { QuizDictionary, drawPattern } from 'serverless-game-kit/quiz';
 *
 * const dictionary = QuizDictionary.from(['사람', '사랑', '고기', '가게'], { minAnswers: 2 });
 * drawPattern(dictionary, 42, 'lobby', 1, []); // 'ㄱㄱ' or 'ㅅㄹ', the same every time
 * ```
 */
export function drawPattern(
  dictionary: QuizDictionary,
  seed: number,
  roomId: string,
  round: number,
  avoid: readonly string[],
): string {
  const patterns = dictionary.patterns;
  const start = hash32(`${seed}:${roomId}:${round}`) % patterns.length;
  const avoided = new Set(avoid);
  for (let step = 0; step < patterns.length; step++) {
    const candidate = patterns[(start + step) % patterns.length]!;
    if (!avoided.has(candidate)) return candidate;
  }
  return patterns[start]!;
}

/**
 * A new game for a room: round 1, version 1, its first pattern drawn.
 *
 * @param room - Room id, game id, seed.
 * @param dictionary - The room's dictionary.
 * @param now - Epoch ms.
 * @returns The game.
 * @example
 * ```ts
 * import { QuizDictionary, createGame } from 'serverless-game-kit/quiz';
 *
 * const dictionary = QuizDictionary.from(['사람', '사랑', '서랍']);
 * const game = createGame({ roomId: 'lobby', gameId: 'g1', seed: 7 }, dictionary, Date.now());
 * game.pattern; // 'ㅅㄹ'
 * ```
 */
export function createGame(
  room: { roomId: string; gameId: string; seed: number },
  dictionary: QuizDictionary,
  now: number,
): RoomGame {
  return {
    roomId: room.roomId,
    gameId: room.gameId,
    seed: room.seed,
    version: 1,
    round: 1,
    pattern: drawPattern(dictionary, room.seed, room.roomId, 1, []),
    roundStartedAt: now,
    answers: [],
    recentPatterns: [],
    createdAt: now,
  };
}

/**
 * Decides what a chat text means for the current round. The text is normalized (NFC, whitespace removed)
 * first; see {@link AnswerVerdict} for the outcomes.
 *
 * @param game - The room's game.
 * @param text - The chat text.
 * @param dictionary - The room's dictionary.
 * @param claimedRound - The round the sender was answering, when it said.
 * @returns The verdict.
 * @example
 * ```ts
 * import { QuizDictionary, createGame, judgeAnswer } from 'serverless-game-kit/quiz';
 *
 * const dictionary = QuizDictionary.from(['사람', '사랑', '서랍']);
 * const game = createGame({ roomId: 'r', gameId: 'g', seed: 1 }, dictionary, 0); // pattern 'ㅅㄹ'
 * judgeAnswer(game, '서랍', dictionary); // { kind: 'correct', word: '서랍' }
 * judgeAnswer(game, '안녕', dictionary); // { kind: 'chat' }
 * ```
 */
export function judgeAnswer(
  game: RoomGame,
  text: string,
  dictionary: QuizDictionary,
  claimedRound?: number,
): AnswerVerdict {
  const word = QuizDictionary.normalize(text);
  if (dictionary.isAnswer(word, game.pattern)) {
    return game.answers.some((answer) => answer.word === word)
      ? { kind: 'used', word }
      : { kind: 'correct', word };
  }
  if (claimedRound !== undefined && claimedRound < game.round && dictionary.has(word))
    return { kind: 'late', word };
  return { kind: 'chat' };
}

/**
 * Points for the `ordinal`-th (0-based) correct answer of a round.
 *
 * @param rules - The room's rules.
 * @param ordinal - 0 for the first answer.
 * @returns The points.
 * @example
 * ```ts
 * import { pointsFor, resolveQuizRules } from 'serverless-game-kit/quiz';
 *
 * pointsFor(resolveQuizRules({ points: [3, 2, 1] }), 5); // 1
 * ```
 */
export function pointsFor(rules: QuizRules, ordinal: number): number {
  return rules.points[Math.min(ordinal, rules.points.length - 1)] ?? 0;
}

/** Ends the current round: its summary, and the next round's game. */
function nextRound(
  game: RoomGame,
  answers: readonly RoundAnswer[],
  reason: RoundSummary['reason'],
  dictionary: QuizDictionary,
  rules: QuizRules,
  now: number,
): { game: RoomGame; summary: RoundSummary } {
  const given = new Set(answers.map((answer) => answer.word));
  const possible = dictionary.answersFor(game.pattern);
  const summary: RoundSummary = {
    round: game.round,
    pattern: game.pattern,
    reason,
    answers: [...answers],
    possibleAnswers: possible.length,
    otherAnswers: possible.filter((word) => !given.has(word)).slice(0, rules.otherAnswersShown),
    startedAt: game.roundStartedAt,
    endedAt: now,
  };
  const recentPatterns =
    rules.recentPatterns === 0 ? [] : [...game.recentPatterns, game.pattern].slice(-rules.recentPatterns);
  const round = game.round + 1;
  return {
    summary,
    game: {
      ...game,
      version: game.version + 1,
      round,
      pattern: drawPattern(dictionary, game.seed, game.roomId, round, [...recentPatterns, game.pattern]),
      roundStartedAt: now,
      answers: [],
      recentPatterns,
      lastRound: summary,
    },
  };
}

/**
 * Records a correct answer (one {@link judgeAnswer} called `'correct'`): the player earns the points of its
 * place in the round, and the round ends when it has `answersPerRound` answers.
 *
 * @param game - The game the answer was judged against.
 * @param player - Who answered and the normalized word.
 * @param dictionary - The room's dictionary (to draw the next pattern).
 * @param rules - The room's rules.
 * @param now - Epoch ms.
 * @returns The next game, the answer with its points, and the round summary when the round ended.
 * @example
 * ```ts
 * import { QuizDictionary, acceptAnswer, createGame, resolveQuizRules } from 'serverless-game-kit/quiz';
 *
 * const dictionary = QuizDictionary.from(['사람', '사랑', '서랍']);
 * const game = createGame({ roomId: 'r', gameId: 'g', seed: 1 }, dictionary, 0);
 * const result = acceptAnswer(game, { playerId: 'p1', name: '민지', word: '사람' }, dictionary, resolveQuizRules(), 10);
 * result.roundEnded; // true
 * result.game.round; // 2
 * ```
 */
export function acceptAnswer(
  game: RoomGame,
  player: { playerId: string; name: string; word: string },
  dictionary: QuizDictionary,
  rules: QuizRules,
  now: number,
): AcceptedAnswer {
  const answer: RoundAnswer = {
    playerId: player.playerId,
    name: player.name,
    word: player.word,
    points: pointsFor(rules, game.answers.length),
  };
  const answers = [...game.answers, answer];
  if (answers.length < rules.answersPerRound) {
    return { answer, roundEnded: false, game: { ...game, version: game.version + 1, answers } };
  }
  const next = nextRound(game, answers, 'answered', dictionary, rules, now);
  return { answer, roundEnded: true, game: next.game, summary: next.summary };
}

/**
 * When the current round's time limit runs out.
 *
 * @param game - The room's game.
 * @param rules - The room's rules.
 * @returns Epoch ms, or `undefined` without a time limit.
 * @example
 * ```ts
 * import { resolveQuizRules, roundEndsAt } from 'serverless-game-kit/quiz';
 *
 * roundEndsAt(game, resolveQuizRules({ roundTimeLimitMs: 60_000 })); // game.roundStartedAt + 60_000
 * ```
 */
export function roundEndsAt(game: RoomGame, rules: QuizRules): number | undefined {
  return rules.roundTimeLimitMs === undefined ? undefined : game.roundStartedAt + rules.roundTimeLimitMs;
}

/**
 * Ends the round if its time limit has run out (a serverless room has no timer: the handler calls this on
 * every message, and clients send `sync` at `roundEndsAt`).
 *
 * @param game - The room's game.
 * @param dictionary - The room's dictionary.
 * @param rules - The room's rules.
 * @param now - Epoch ms.
 * @returns The next game and the summary, or `undefined` when the round is still running.
 * @example
 * ```ts
 * import { expireRound } from 'serverless-game-kit/quiz';
 *
 * const expired = expireRound(game, dictionary, rules, Date.now());
 * if (expired) console.log(expired.summary.otherAnswers);
 * ```
 */
export function expireRound(
  game: RoomGame,
  dictionary: QuizDictionary,
  rules: QuizRules,
  now: number,
): { game: RoomGame; summary: RoundSummary } | undefined {
  const endsAt = roundEndsAt(game, rules);
  if (endsAt === undefined || now < endsAt) return undefined;
  return nextRound(game, game.answers, 'timeout', dictionary, rules, now);
}

/**
 * The game summary: players sorted by score (then answers, then name), with competition ranks (1, 1, 3, …).
 *
 * @param scores - Every player's score.
 * @returns New standings, best first.
 * @example
 * ```ts
 * import { rankStandings } from 'serverless-game-kit/quiz';
 *
 * rankStandings([
 *   { playerId: 'a', name: '민지', score: 3, answers: 3, connected: true },
 *   { playerId: 'b', name: '지훈', score: 5, answers: 5, connected: false },
 * ]).map((player) => [player.name, player.rank]); // [['지훈', 1], ['민지', 2]]
 * ```
 */
export function rankStandings(scores: readonly PlayerScore[]): PlayerStanding[] {
  const sorted = [...scores].sort(
    (a, b) =>
      b.score - a.score ||
      b.answers - a.answers ||
      (a.name < b.name
        ? -1
        : a.name > b.name
          ? 1
          : a.playerId < b.playerId
            ? -1
            : a.playerId > b.playerId
              ? 1
              : 0),
  );
  let rank = 0;
  return sorted.map((player, index) => {
    if (index === 0 || sorted[index - 1]!.score !== player.score) rank = index + 1;
    return { ...player, rank };
  });
}
