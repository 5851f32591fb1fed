import { Command } from 'commander';
import { requiredFirst } from './help.js';
import { registerLocalCommand } from './commands/local.js';
import { registerPatchCommand } from './commands/patch.js';
import { VERSION } from './version.js';

/**
 * Builds the `sgk` command line. Each module adds its own sub-command.
 *
 * @example
 * ```ts
 * await createProgram().parseAsync(['node', 'sgk', '--version']);
 * ```
 */
export function createProgram(): Command {
  const program = new Command('sgk')
    .description('serverless-game-kit: run the local stack and manage game backends on AWS')
    .version(VERSION, '-v, --version', 'print the version')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true, groupItems: requiredFirst });
  registerLocalCommand(program);
  registerPatchCommand(program);
  return program;
}
