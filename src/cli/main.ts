import { isGameKitError } from '../core/errors.js';
import { createProgram } from './program.js';

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  if (isGameKitError(error)) {
    console.error(`sgk: ${error.message} [${error.code}]`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
