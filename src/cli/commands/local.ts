import type { Command } from 'commander';
import { startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { startS3Local } from '../../local/s3-local.js';

/** Adds `sgk local`: starts the local services and keeps them running until Ctrl-C. */
export function registerLocalCommand(program: Command): void {
  program
    .command('local')
    .description('start the local stack (DynamoDB Local, S3) on 127.0.0.1 until Ctrl-C')
    .option('--once', 'start everything, print the endpoints, then stop (a smoke test)')
    .action(async (options: { once?: boolean }) => {
      const started = Date.now();
      const [dynamodb, s3] = await Promise.all([startDynamoDbLocal(), startS3Local()]);
      const stop = async (): Promise<void> => {
        await Promise.all([dynamodb.stop(), s3.stop()]);
      };
      console.table({
        'DynamoDB Local': { endpoint: dynamodb.endpoint },
        'S3 (s3rver)': { endpoint: s3.endpoint },
      });
      console.log(`Local stack ready in ${Date.now() - started} ms.`);
      if (options.once) {
        await stop();
        return;
      }
      console.log('Press Ctrl-C to stop.');
      await new Promise<void>((resolve) => {
        const onSignal = (): void => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          resolve();
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
      console.log('\nStopping…');
      await stop();
    });
}
