/**
 * The scripted tour of `npm run local`, against a running demo stack: publish a patch, log players in with
 * Kakao, show their AWS credentials, pull the patch with `sgk patch pull`, submit scores, print the leaderboard
 * and the distribution, play a quiz round, and print the final standings.
 */
import { type GameClientConfig, gameClientConfig } from '../../src/local/game-stack.js';
import type { LocalStack } from '../../src/local/stack/start-local-stack.js';
import { type InstalledFile, publishSamplePatch, pullPatch } from './patch-step.js';
import {
  type DemoPlayer,
  type DemoPlayerScript,
  DEMO_PLAYERS,
  showCredentials,
  signInPlayers,
} from './players.js';
import { type QuizStepResult, playQuiz } from './quiz-step.js';
import { type ScoresStepResult, playScores } from './scores-step.js';
import type { Terminal } from './terminal.js';

/** Options of {@link runScenario}. */
export interface ScenarioOptions {
  stack: LocalStack;
  terminal: Terminal;
  /** The game's install folder for `sgk patch pull` (empty or absent). */
  installDir: string;
  /** Leaderboard; default `global`. */
  board?: string;
  /** Quiz room; default `lobby`. */
  room?: string;
  players?: readonly DemoPlayerScript[];
  /** Where `sgk patch pull` draws its progress bar; default `process.stderr` (only drawn on a TTY). */
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Everything the scenario did, for tests and callers. */
export interface ScenarioResult {
  config: GameClientConfig;
  release: string;
  installedFiles: InstalledFile[];
  players: DemoPlayer[];
  scores: ScoresStepResult;
  quiz: QuizStepResult;
}

/**
 * Runs the scenario, printing as it goes.
 *
 * @example
 * ```ts
 * const stack = await startDemoStack();
 * await runScenario({ stack, terminal: createTerminal({ write: (t) => process.stdout.write(t), isTTY: false }),
 *   installDir: '/tmp/game' });
 * ```
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const { stack, terminal } = options;
  const board = options.board ?? 'global';
  const room = options.room ?? 'lobby';
  const config = gameClientConfig(stack);
  let step = 0;
  const section = (title: string): void => terminal.section(`${++step}. ${title}`);

  section('Publish a patch (the build machine)');
  const published = await publishSamplePatch(stack, terminal);

  section('Kakao login (local)');
  const players = await signInPlayers(stack, config, terminal, options.players ?? DEMO_PLAYERS);

  section('AWS credentials');
  await showCredentials(players[0]!, terminal);

  section('Patch the game: sgk patch pull');
  const installedFiles = await pullPatch({
    stack,
    terminal,
    installDir: options.installDir,
    ...(options.progress ? { progress: options.progress } : {}),
  });

  section('Scores and the leaderboard');
  const scores = await playScores({
    stack,
    config,
    players,
    terminal,
    board,
    beforeDistribution: () => section('Score distribution'),
  });

  section('Choseong quiz');
  const quiz = await playQuiz({ config, players, terminal, room });

  section('Final standings');
  const quizPoints = new Map(quiz.standings.map((standing) => [standing.playerId, standing.score]));
  terminal.table(
    ['rank', 'player', 'best score', 'quiz points'],
    scores.leaderboard.map((entry) => [
      entry.rank,
      entry.name ?? entry.playerId,
      entry.score,
      quizPoints.get(entry.playerId) ?? 0,
    ]),
  );
  const champion = scores.leaderboard[0];
  if (champion) {
    terminal.ok(
      `${champion.name ?? champion.playerId} tops board "${board}" with ${champion.score}; ${quiz.winner} won the quiz round.`,
    );
  }
  return { config, release: published.release, installedFiles, players, scores, quiz };
}
