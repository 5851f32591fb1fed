import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { JavaRuntime } from './java.js';

/** A launcher ready to run, see {@link prepareLoopbackLauncher}. */
export interface LoopbackLauncher {
  /** The `java` arguments that name the class path and the launcher; DynamoDB Local's own options follow. */
  readonly args: readonly string[];
  /** Deletes what only this start needed, once the JVM answers. Safe to call twice. */
  dispose(): void;
}

const CLASS_NAME = 'LoopbackDynamoDbLocal';

/**
 * DynamoDB Local's main class (`ServerRunner`) builds its Jetty server with a connector on every interface, and
 * the jar has no option to change it. This launcher builds the server from the same command line with the same
 * method, sets the host of each connector to 127.0.0.1 before starting it, and then starts it as `main` does.
 */
const LAUNCHER_SOURCE = `import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Starts DynamoDB Local exactly as its own main class does, with the same command-line arguments, except that its
 * HTTP connector listens on 127.0.0.1 only (the jar has no bind-address option and listens on every interface).
 */
public final class LoopbackDynamoDbLocal {
  private static final String LOOPBACK = "127.0.0.1";

  private LoopbackDynamoDbLocal() {}

  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    if (proxy == null) {
      System.err.println("Error processing the supplied command line arguments");
      System.exit(1);
    }
    int bound = bindToLoopback(jettyServer(proxy));
    if (bound == 0) {
      throw new IllegalStateException("DynamoDB Local has no HTTP connector to bind to " + LOOPBACK);
    }
    proxy.start();
  }

  private static Server jettyServer(DynamoDBProxyServer proxy) throws ReflectiveOperationException {
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    return (Server) field.get(proxy);
  }

  private static int bindToLoopback(Server server) {
    int bound = 0;
    for (Connector connector : server.getConnectors()) {
      if (!(connector instanceof ServerConnector)) {
        throw new IllegalStateException("Unexpected connector " + connector.getClass().getName());
      }
      ((ServerConnector) connector).setHost(LOOPBACK);
      bound++;
    }
    return bound;
  }
}
`;

/**
 * Returns the arguments that run the launcher, the jar and its libraries on the class path. The launcher is
 * compiled once per machine, user, launcher and Java version into a private cache folder (mode 0700, owned by
 * this user, so no other user can swap the class); later starts load the class and pay no compilation (about
 * 3.5 s of CPU). When no private cache folder can be had, it runs in Java's single-file source mode (Java 11+).
 *
 * @example
 * ```ts
 * const launcher = await prepareLoopbackLauncher('/path/to/DynamoDBLocal.jar', findJava());
 * spawn('java', [...launcher.args, '-inMemory', '-port', '8000']);
 * ```
 */
export async function prepareLoopbackLauncher(jar: string, java: JavaRuntime): Promise<LoopbackLauncher> {
  const classPath = [jar, join(dirname(jar), 'DynamoDBLocal_lib', '*')].join(delimiter);
  const cache = privateCacheFolder();
  const compiled = cache && (await compiledLauncher(cache, classPath, java));
  if (compiled)
    return { args: ['-cp', [compiled, classPath].join(delimiter), CLASS_NAME], dispose: () => {} };
  const folder = mkdtempSync(join(tmpdir(), 'sgk-dynamodb-local-'));
  const source = join(folder, `${CLASS_NAME}.java`);
  writeFileSync(source, LAUNCHER_SOURCE, { mode: 0o600 });
  return {
    args: ['-cp', classPath, source],
    dispose: () => rmSync(folder, { recursive: true, force: true }),
  };
}

/** `$TMPDIR/sgk-dynamodb-local-<uid>`, if it is a real folder that only this user can write. */
function privateCacheFolder(): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  const folder = join(tmpdir(), `sgk-dynamodb-local-${uid}`);
  try {
    mkdirSync(folder, { mode: 0o700 });
  } catch {
    // Already there: checked below.
  }
  try {
    const stats = lstatSync(folder);
    const isPrivate = stats.isDirectory() && stats.uid === uid && (stats.mode & 0o077) === 0;
    return isPrivate ? folder : undefined;
  } catch {
    return undefined;
  }
}

/** The folder holding the compiled launcher, compiling it first if needed; `undefined` if it cannot compile. */
async function compiledLauncher(
  cache: string,
  classPath: string,
  java: JavaRuntime,
): Promise<string | undefined> {
  const key = createHash('sha256').update(`${java.major}\n${LAUNCHER_SOURCE}`).digest('hex').slice(0, 16);
  const folder = join(cache, `launcher-${key}`);
  if (existsSync(join(folder, `${CLASS_NAME}.class`))) return folder;
  const build = mkdtempSync(join(cache, 'build-'));
  try {
    const source = join(build, `${CLASS_NAME}.java`);
    writeFileSync(source, LAUNCHER_SOURCE, { mode: 0o600 });
    const javac = ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '-cp', classPath, '-d', build, source];
    if ((await exitCode(java.command, javac)) !== 0) return undefined;
    rmSync(source);
    try {
      renameSync(build, folder);
    } catch {
      // Another start compiled it first.
    }
    return existsSync(join(folder, `${CLASS_NAME}.class`)) ? folder : undefined;
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
}

function exitCode(command: string, args: readonly string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.once('error', () => resolve(null));
    child.once('exit', (code) => resolve(code));
  });
}
