/**
 * The scores part of the demo: every player submits their plays with a signed `ScoreClient`, then the
 * leaderboard (a GSI Query) and the score distribution (kept by the stream aggregator) are printed.
 */
import type { GameClientConfig } from '../../src/local/game-stack.js';
import type { LocalStack } from '../../src/local/stack/start-local-stack.js';
import { ScoreClient } from '../../src/scores/client.js';
import type { LeaderboardEntry, ScoreBucket } from '../../src/scores/types.js';
import type { DemoPlayer } from './players.js';
import { type Terminal, renderHistogram } from './terminal.js';

/** What the scores step saw. */
export interface ScoresStepResult {
  leaderboard: LeaderboardEntry[];
  distribution: ScoreBucket[];
}

function scoreClientOf(player: DemoPlayer, config: GameClientConfig): ScoreClient {
  return new ScoreClient({
    endpoint: config.httpApi,
    region: config.region,
    credentials: player.auth.credentialProvider,
  });
}

/**
 * Submits every player's plays, prints the leaderboard, waits for the stream aggregator, prints the distribution.
 *
 * @example
 * ```ts
 * const { leaderboard } = await playScores({ stack, config, players, terminal, board: 'global' });
 * ```
 */
export async function playScores(options: {
  stack: LocalStack;
  config: GameClientConfig;
  players: readonly DemoPlayer[];
  terminal: Terminal;
  board: string;
  /** Called between the leaderboard and the distribution (the demo starts a new section there). */
  beforeDistribution?: () => void;
}): Promise<ScoresStepResult> {
  const { stack, config, players, terminal, board } = options;
  terminal.note(
    `POST /scoreboard, signed with each player's credentials: the player is the caller's Cognito identity,`,
  );
  terminal.note(`never a name in the body. Board "${board}" keeps each player's best score.`);
  const rows: Array<Array<string | number>> = [];
  for (const player of players) {
    const client = scoreClientOf(player, config);
    let best = 0;
    for (const score of player.plays) {
      const result = await client.submit(score, { board, name: player.name });
      best = result.score;
    }
    rows.push([player.name, player.plays.join(', '), best]);
  }
  terminal.table(['player', 'plays', 'best'], rows);

  const reader = scoreClientOf(players[0]!, config);
  const page = await reader.leaderboard({ board, limit: 10 });
  terminal.line();
  terminal.line(`Leaderboard "${board}" (GET /scoreboard — one index Query, top 10):`);
  terminal.table(
    ['rank', 'player', 'score'],
    page.entries.map((entry) => [entry.rank, entry.name ?? entry.playerId, entry.score]),
  );

  options.beforeDistribution?.();
  terminal.note('Every play reaches the table’s DynamoDB stream; the aggregator adds it to the distribution');
  terminal.note('(one ADD per distinct score per batch, exactly once). GET /scorehistory reads it:');
  await stack.streamsIdle(30_000);
  const history = await reader.history({ board });
  for (const line of renderHistogram(history.buckets, terminal.width - 4)) terminal.line(`  ${line}`);
  const plays = history.buckets.reduce((sum, bucket) => sum + bucket.count, 0);
  terminal.ok(`${plays} plays in ${history.buckets.length} distinct scores.`);
  return { leaderboard: page.entries, distribution: history.buckets };
}
