/**
 * The Lambda functions the constructs deploy and the entry file of each. `npm run build` bundles every entry into
 * `dist/lambda/<bundle>/index.mjs` (see `build-handler-bundles.ts`); the package ships those bundles and the
 * constructs deploy them as they are, so a user's synth needs no bundler.
 */
export const GAME_HANDLERS = {
  auth: { bundle: 'auth', entry: 'src/cdk/handlers/auth.ts' },
  submitScore: { bundle: 'submit-score', entry: 'src/cdk/handlers/submit-score.ts' },
  leaderboard: { bundle: 'leaderboard', entry: 'src/cdk/handlers/leaderboard.ts' },
  scoreHistory: { bundle: 'score-history', entry: 'src/cdk/handlers/score-history.ts' },
  scoreStream: { bundle: 'score-stream', entry: 'src/cdk/handlers/score-stream.ts' },
  quizSocket: { bundle: 'quiz-socket', entry: 'src/cdk/handlers/quiz-socket.ts' },
} as const;

/** The name of one of the kit's functions: `auth`, `submitScore`, `leaderboard`, … */
export type GameFunctionName = keyof typeof GAME_HANDLERS;

/** The file inside each bundle directory that exports `handler`. */
export const HANDLER_FILE = 'index.mjs';
