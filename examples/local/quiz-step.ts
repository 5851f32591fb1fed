/**
 * The quiz part of the demo: two players join a room over the WebSocket API with their Cognito OpenID tokens,
 * chat, and one of them answers the current choseong pattern; both see the winner and the next pattern.
 */
import { ChoseongIndex } from '../../src/hangul/ChoseongIndex.js';
import { getChoseong } from '../../src/hangul/getChoseong.js';
import type { GameClientConfig } from '../../src/local/game-stack.js';
import { QuizRoom } from '../../src/quiz/client.js';
import { DEFAULT_WORD_PACK } from '../../src/quiz/default-word-pack.js';
import type { ChatEvent, CorrectEvent, PlayerStanding, QuizState } from '../../src/quiz/protocol.js';
import type { DemoPlayer } from './players.js';
import type { Terminal } from './terminal.js';

/** What the quiz step saw. */
export interface QuizStepResult {
  room: string;
  pattern: string;
  word: string;
  winner: string;
  nextPattern: string;
  standings: PlayerStanding[];
}

/** Longest wait for one event of the room. */
const EVENT_TIMEOUT_MS = 15_000;

/**
 * The next event a subscription delivers that satisfies `accept`, or a rejection after `timeoutMs`.
 *
 * @param subscribe - An `on…` method of `QuizRoom` (returns its unsubscribe function).
 * @example
 * ```ts
 * const hit = await nextEvent((listener) => room.onCorrect(listener), () => true, 'the answer');
 * ```
 */
export function nextEvent<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  accept: (value: T) => boolean,
  what: string,
  timeoutMs = EVENT_TIMEOUT_MS,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`No ${what} within ${timeoutMs} ms.`));
    }, timeoutMs);
    const unsubscribe = subscribe((value) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    });
  });
}

/** Dictionary words that answer `state`'s pattern and were not given this round. */
function answersFor(state: QuizState, index: ChoseongIndex): string[] {
  const given = new Set(state.answers.map((answer) => answer.word));
  return index.lookup(state.pattern).filter((word) => !given.has(word));
}

/**
 * Plays one quiz round with the first two players.
 *
 * @example
 * ```ts
 * const quiz = await playQuiz({ config, players, terminal, room: 'lobby' });
 * ```
 */
export async function playQuiz(options: {
  config: GameClientConfig;
  players: readonly DemoPlayer[];
  terminal: Terminal;
  room: string;
}): Promise<QuizStepResult> {
  const { config, terminal, room } = options;
  const [answerer, chatter] = options.players;
  if (!answerer || !chatter) throw new Error('The quiz needs two players.');
  const join = (player: DemoPlayer): Promise<QuizRoom> =>
    QuizRoom.join({ url: config.websocket, room, name: player.name, token: () => player.auth.openIdToken() });

  terminal.note(`Both join room "${room}" over the WebSocket API (${config.websocket}),`);
  terminal.note('with their Cognito OpenID token as the join token: the server knows who answers.');
  const first = await join(answerer);
  const second = await join(chatter);
  try {
    const start = first.state;
    terminal.line(
      `Round ${start.round}: the pattern is  ${start.pattern}  — ${answerer.name} and ${chatter.name} both see it.`,
    );
    const stopChat = first.onChat((line) => terminal.line(`  💬 ${line.name}: ${line.text}`));

    const greeting = `안녕하세요, ${answerer.name} 님! 같이 해요`;
    const greeted = nextEvent<ChatEvent>(
      (listener) => first.onChat(listener),
      (line) => line.text === greeting,
      'chat line',
    );
    await second.say(greeting);
    await greeted;

    const word = answersFor(start, new ChoseongIndex(DEFAULT_WORD_PACK))[0];
    if (!word) throw new Error(`No dictionary word fits ${start.pattern}.`);
    const isWin = (hit: CorrectEvent): boolean => hit.round === start.round && hit.roundEnded;
    const isNext = (state: QuizState): boolean => state.round > start.round;
    const waits = Promise.all([
      nextEvent<CorrectEvent>((listener) => first.onCorrect(listener), isWin, 'correct answer'),
      nextEvent<CorrectEvent>(
        (listener) => second.onCorrect(listener),
        isWin,
        'correct answer (second player)',
      ),
      nextEvent<QuizState>((listener) => first.onState(listener), isNext, 'next round'),
      nextEvent<QuizState>((listener) => second.onState(listener), isNext, 'next round (second player)'),
    ] as const);
    await first.say(word);
    const [hit, seenBySecond, next, nextForSecond] = await waits;
    stopChat();

    terminal.ok(
      `${hit.name} answered “${hit.word}” for ${hit.pattern} (${getChoseong(hit.word)}) — +${hit.points}, ` +
        `${seenBySecond.name === hit.name ? `${chatter.name} saw it too` : 'the other player saw another winner'}.`,
    );
    terminal.line(
      `Round ${next.round}: the new pattern is  ${next.pattern}` +
        (nextForSecond.pattern === next.pattern
          ? ' — on both screens.'
          : ` (the other player sees ${nextForSecond.pattern}).`),
    );
    if (next.lastRound) {
      terminal.note(
        `${next.lastRound.possibleAnswers} dictionary words fit ${next.lastRound.pattern}; others were: ${next.lastRound.otherAnswers.join(', ')}.`,
      );
    }
    return {
      room,
      pattern: start.pattern,
      word: hit.word,
      winner: hit.name,
      nextPattern: next.pattern,
      standings: next.players,
    };
  } finally {
    await Promise.all([first.leave(), second.leave()]);
  }
}
