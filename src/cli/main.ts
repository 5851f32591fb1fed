import { isGameKitError } from '../core/errors.js';
import { asMissingPeerDependency } from '../core/peer-dependencies.js';
import { describeAwsSetupFailure } from './aws-error.js';
import { describeNetworkFailure } from './network-error.js';
import { warnAboutUnsupportedNode } from './node-version.js';

warnAboutUnsupportedNode(process.versions.node, process.env, (line) => console.error(line));

try {
  // Loaded on demand so that a missing optional peer (the AWS SDK) is reported by name, not as a stack trace.
  const { createProgram } = await import('./program.js');
  await createProgram().parseAsync(process.argv);
} catch (caught) {
  const error = isGameKitError(caught)
    ? caught
    : (asMissingPeerDependency('cli', caught) ??
      describeAwsSetupFailure(caught) ??
      describeNetworkFailure(caught) ??
      caught);
  if (isGameKitError(error)) {
    console.error(`sgk: ${error.message} [${error.code}]`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
