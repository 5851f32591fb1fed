import { isGameKitError } from '../core/errors.js';
import { asMissingPeerDependency } from '../core/peer-dependencies.js';

try {
  // Loaded on demand so that a missing optional peer (the AWS SDK) is reported by name, not as a stack trace.
  const { createProgram } = await import('./program.js');
  await createProgram().parseAsync(process.argv);
} catch (caught) {
  const error = asMissingPeerDependency('cli', caught) ?? caught;
  if (isGameKitError(error)) {
    console.error(`sgk: ${error.message} [${error.code}]`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
