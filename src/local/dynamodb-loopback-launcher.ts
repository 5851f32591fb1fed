import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

/** A launcher ready to run, see {@link prepareLoopbackLauncher}. */
export interface LoopbackLauncher {
  /** The `java` arguments that name the class path and the launcher; DynamoDB Local's own options follow. */
  readonly args: readonly string[];
  /** Deletes the launcher's private folder; the running JVM has already compiled it. Safe to call twice. */
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
 * Writes the launcher into a fresh private folder (mode 0700, so no other user can swap it) and returns the
 * arguments that run it with Java's single-file source mode (Java 11+), the jar and its libraries on the class
 * path.
 *
 * @example
 * ```ts
 * const launcher = prepareLoopbackLauncher('/path/to/DynamoDBLocal.jar');
 * spawn('java', [...launcher.args, '-inMemory', '-port', '8000']);
 * ```
 */
export function prepareLoopbackLauncher(jar: string): LoopbackLauncher {
  const folder = mkdtempSync(join(tmpdir(), 'sgk-dynamodb-local-'));
  const source = join(folder, `${CLASS_NAME}.java`);
  writeFileSync(source, LAUNCHER_SOURCE, { mode: 0o600 });
  const classPath = [jar, join(dirname(jar), 'DynamoDBLocal_lib', '*')].join(delimiter);
  return {
    args: ['-cp', classPath, source],
    dispose: () => rmSync(folder, { recursive: true, force: true }),
  };
}
