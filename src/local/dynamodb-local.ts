import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { LocalServiceError } from './errors.js';
import { prepareLoopbackLauncher } from './dynamodb-loopback-launcher.js';
import { getFreePort } from './free-port.js';
import { findJava } from './java.js';
import { type SupervisedProcess, spawnSupervised } from './supervised-process.js';
import { waitUntilListening } from './wait-until-listening.js';

/** Options of {@link startDynamoDbLocal}. */
export interface DynamoDbLocalOptions {
  /** Port on 127.0.0.1; default: a free one. */
  port?: number;
  /** Path to `DynamoDBLocal.jar`; default: `$SGK_DYNAMODB_LOCAL_JAR`, then the jar in `amplify-dynamodb-simulator`. */
  jarPath?: string;
  /** Java command; default: `$JAVA_HOME/bin/java`, then `java`. */
  javaPath?: string;
  /** Keep data in this folder instead of memory (it survives restarts). */
  dbPath?: string;
  /**
   * How long to wait for the first answer; default: `$SGK_LOCAL_START_TIMEOUT` seconds, then 120 000 ms (a JVM
   * can take a minute to start on a loaded machine).
   */
  startTimeoutMs?: number;
  /** Extra JVM flags, e.g. `['-Xmx1g']`. */
  jvmArgs?: string[];
}

/** A running DynamoDB Local, see {@link startDynamoDbLocal}. */
export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>`, for the `endpoint` option of the AWS SDK clients. */
  readonly endpoint: string;
  readonly port: number;
  /** Stops the JVM and waits until it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** The start-up limit when neither the option nor `$SGK_LOCAL_START_TIMEOUT` sets one. */
const DEFAULT_DYNAMODB_START_TIMEOUT_MS = 120_000;

/**
 * The start-up limit in ms: the option, else `$SGK_LOCAL_START_TIMEOUT` (seconds), else 120 s.
 *
 * @throws {LocalServiceError} `INVALID_OPTIONS` when the variable is not a positive number of seconds.
 */
function resolveStartTimeoutMs(optionMs: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  if (optionMs !== undefined) return optionMs;
  const seconds = env.SGK_LOCAL_START_TIMEOUT?.trim();
  if (!seconds) return DEFAULT_DYNAMODB_START_TIMEOUT_MS;
  const parsed = Number(seconds);
  if (!Number.isFinite(parsed) || parsed <= 0) {
    throw new LocalServiceError(
      'INVALID_OPTIONS',
      `SGK_LOCAL_START_TIMEOUT must be a positive number of seconds, not "${seconds}".`,
    );
  }
  return parsed * 1_000;
}

/**
 * Finds the official `DynamoDBLocal.jar`: the given path, `$SGK_DYNAMODB_LOCAL_JAR`, or the copy shipped by the
 * `amplify-dynamodb-simulator` package (install it as a devDependency; only its jar is used).
 *
 * @throws {LocalServiceError} `DYNAMODB_LOCAL_JAR_NOT_FOUND`
 * @example
 * ```ts
 * import { findDynamoDbLocalJar } from 'serverless-game-kit/local';
 *
 * console.log(findDynamoDbLocalJar());
 * ```
 */
export function findDynamoDbLocalJar(jarPath?: string): string {
  const explicit = jarPath ?? process.env.SGK_DYNAMODB_LOCAL_JAR;
  if (explicit) {
    if (existsSync(explicit)) return explicit;
    throw new LocalServiceError(
      'DYNAMODB_LOCAL_JAR_NOT_FOUND',
      `DynamoDB Local jar not found at ${explicit}.`,
    );
  }
  try {
    const simulator = dirname(require.resolve('amplify-dynamodb-simulator/package.json'));
    const jar = join(simulator, 'emulator', 'DynamoDBLocal.jar');
    if (existsSync(jar)) return jar;
  } catch {
    // Not installed: fall through to the hint.
  }
  throw new LocalServiceError(
    'DYNAMODB_LOCAL_JAR_NOT_FOUND',
    'DynamoDB Local is not installed: run `npm install --save-dev amplify-dynamodb-simulator` (it ships the official jar) ' +
      'or set SGK_DYNAMODB_LOCAL_JAR to the path of DynamoDBLocal.jar.',
  );
}

/**
 * Starts the official DynamoDB Local (in memory, shared database, telemetry off) with the machine's Java on a
 * free port of 127.0.0.1 only (the jar alone would listen on every interface), and resolves once it answers
 * requests. Streams, GSIs, TTL attributes, transactions and
 * `ReturnConsumedCapacity` work as in the service. The JVM is stopped by `stop()` and also when this process
 * exits or is killed, so no JVM is ever orphaned.
 *
 * The shared database (`-sharedDb`) means every client sees the same tables whatever its credentials and
 * region — the local stack hands out different credentials per player.
 *
 * @throws {LocalServiceError} `JAVA_NOT_FOUND` (also when that Java has no compiler module, as in some JRE builds),
 * `DYNAMODB_LOCAL_JAR_NOT_FOUND`, `START_TIMEOUT`, `START_FAILED`, `INVALID_OPTIONS` (a bad
 * `$SGK_LOCAL_START_TIMEOUT`)
 * @example
 * ```ts
 * import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
 * import { startDynamoDbLocal, localClientConfig } from 'serverless-game-kit/local';
 *
 * const dynamo = await startDynamoDbLocal();
 * const client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
 * console.log(await client.send(new ListTablesCommand({})));
 * await dynamo.stop();
 * ```
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const jar = findDynamoDbLocalJar(options.jarPath);
  const java = findJava(options.javaPath);
  const startTimeoutMs = resolveStartTimeoutMs(options.startTimeoutMs);
  const attempts = options.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = options.port ?? (await getFreePort());
    const launcher = await prepareLoopbackLauncher(jar, java);
    const args = [
      ...(options.jvmArgs ?? []),
      `-Djava.library.path=${join(dirname(jar), 'DynamoDBLocal_lib')}`,
      ...launcher.args,
      '-port',
      String(port),
      '-sharedDb',
      '-disableTelemetry',
      ...(options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory']),
    ];
    const service = spawnSupervised(java.command, args, dirname(jar));
    try {
      await waitUntilReady(service, port, startTimeoutMs);
    } catch (error) {
      launcher.dispose();
      await service.stop(1_000);
      lastError = error;
      if (error instanceof LocalServiceError && /Address already in use|BindException/i.test(error.message)) {
        continue;
      }
      throw explainMissingCompiler(error, java.command);
    }
    launcher.dispose();
    return running(service, port);
  }
  throw lastError;
}

function running(service: SupervisedProcess, port: number): DynamoDbLocal {
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () => (stopping ??= service.stop()),
  };
}

/**
 * The launcher runs in Java's single-file source mode, which compiles it with the `jdk.compiler` module: every
 * JDK has it (so does Debian's `openjdk-*-jre-headless`), some JRE builds (Temurin JRE, Alpine) do not.
 */
function explainMissingCompiler(error: unknown, javaCommand: string): unknown {
  if (!(error instanceof LocalServiceError) || !/jdk\.compiler/.test(error.message)) return error;
  return new LocalServiceError(
    'JAVA_NOT_FOUND',
    `${javaCommand} has no Java compiler (module jdk.compiler), which DynamoDB Local needs to start on 127.0.0.1 only: ` +
      `install a JDK (e.g. \`sudo apt-get install -y openjdk-17-jdk-headless\`, or Temurin's JDK instead of its JRE) ` +
      `or set JAVA_HOME to one.\n${error.message}`,
  );
}

async function waitUntilReady(service: SupervisedProcess, port: number, timeoutMs: number): Promise<void> {
  const outcome = await Promise.race([
    waitUntilListening(`http://127.0.0.1:${port}/`, timeoutMs).then((ok) => (ok ? 'ready' : 'timeout')),
    service.exited.then(() => 'exited' as const),
  ]);
  if (outcome === 'ready') return;
  if (outcome === 'exited') {
    throw new LocalServiceError(
      'START_FAILED',
      `DynamoDB Local exited before it answered:\n${service.recentOutput() || '(no output)'}`,
    );
  }
  throw new LocalServiceError(
    'START_TIMEOUT',
    `DynamoDB Local timed out: no answer on port ${port} within ${timeoutMs / 1_000} s. A JVM can start slowly ` +
      `on a busy machine: raise the limit with SGK_LOCAL_START_TIMEOUT=<seconds> (\`sgk local --start-timeout ` +
      `<seconds>\`, the startTimeoutMs option). Its output so far:\n${service.recentOutput() || '(no output)'}`,
  );
}
