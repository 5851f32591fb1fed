/**
 * `npm run local` — the whole product on one machine: starts the local stack with every module, runs a scripted
 * scenario you can watch (Kakao login → credentials → `sgk patch pull` → scores → leaderboard and distribution →
 * a quiz round → final standings), then serves the browser demo until Ctrl-C.
 *
 * ```sh
 * node --import tsx examples/local/main.ts [--no-serve] [--quiet]
 * ```
 */
import { parseArgs } from 'node:util';
import { isGameKitError } from 'serverless-game-kit/local';
import { runLocalDemo } from './demo.js';

const USAGE = `Usage: npm run local -- [--no-serve] [--quiet]

  --no-serve   run the scenario, then stop (CI smoke test)
  --quiet      no invocation log lines
  -h, --help   show this help`;

let flags: { 'no-serve'?: boolean; quiet?: boolean; help?: boolean };
try {
  flags = parseArgs({
    options: {
      'no-serve': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}

// The AWS SDK's notice about future Node versions is meant for applications, not for this demo's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const controller = new AbortController();
const onSignal = (): void => {
  if (controller.signal.aborted) process.exit(130); // a second Ctrl-C: leave at once
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

try {
  await runLocalDemo({ serve: !flags['no-serve'], quiet: flags.quiet ?? false, signal: controller.signal });
} catch (error) {
  if (controller.signal.aborted) {
    process.exitCode = 130; // interrupted before the demo was up
  } else {
    // A kit error says what to do in its message (install Java, free a port, …); anything else is a bug.
    if (isGameKitError(error)) console.error(`\nnpm run local: ${error.message} [${error.code}]`);
    else console.error('\nThe local demo failed:', error);
    process.exitCode = 1;
  }
}
process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);
