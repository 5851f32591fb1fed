import type { Command } from 'commander';
import { defaultLocalStackConfig } from '../../local/default-config.js';
import { loadLocalStackConfig } from '../../local/stack/load-config.js';
import { type LocalStack, startLocalStack } from '../../local/stack/start-local-stack.js';
import { createTable } from '../table.js';

interface LocalCommandOptions {
  config?: string;
  once?: boolean;
  quiet?: boolean;
}

/** Adds `sgk local`: starts the local stack from a config module and keeps it running until Ctrl-C. */
export function registerLocalCommand(program: Command): void {
  program
    .command('local')
    .description(
      'run the local stack (DynamoDB Local, S3, HTTP and WebSocket gateways, stream pollers) on 127.0.0.1',
    )
    .option(
      '-c, --config <file>',
      'JS/TS module whose default export is the stack config (default: the built-in demo)',
    )
    .option('--once', 'start everything, print the endpoints, then stop (a smoke test)')
    .option('-q, --quiet', 'do not print one line per invocation')
    .action(async (options: LocalCommandOptions) => {
      const started = Date.now();
      const config = options.config ? await loadLocalStackConfig(options.config) : defaultLocalStackConfig();
      const stack = await startLocalStack({
        ...config,
        log: options.quiet ? () => undefined : (config.log ?? ((line: string) => console.log(line))),
      });
      console.log(endpointTable(stack));
      console.log(`Local stack ready in ${Date.now() - started} ms.`);
      if (options.once) {
        await stack.stop();
        return;
      }
      console.log('Press Ctrl-C to stop.');
      await waitForSignal();
      console.log('\nStopping…');
      await stack.stop();
    });
}

function endpointTable(stack: LocalStack): string {
  const table = createTable({ head: ['service', 'endpoint'] });
  table.push(
    ['HTTP API', stack.endpoints.http],
    ['WebSocket API', stack.endpoints.websocket],
    ['@connections', stack.endpoints.connections],
    ...(stack.endpoints.cdn ? [['CDN', stack.endpoints.cdn]] : []),
    ['DynamoDB Local', stack.endpoints.dynamodb],
    ['S3 (s3rver)', stack.endpoints.s3],
  );
  return table.toString();
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = (): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
