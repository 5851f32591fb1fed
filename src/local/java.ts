import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { LocalServiceError } from './errors.js';

/** What {@link findJava} found. */
export interface JavaRuntime {
  /** The command that runs it. */
  readonly command: string;
  /** Major version, e.g. 17. */
  readonly major: number;
}

const INSTALL_HINT =
  'DynamoDB Local needs Java 11 or newer (17 recommended): install it with `sudo apt-get install -y openjdk-17-jre-headless` ' +
  '(Debian/Ubuntu), `brew install openjdk@17` (macOS) or from https://adoptium.net, or set JAVA_HOME.';

/**
 * Finds a Java runtime able to run DynamoDB Local: `javaPath` if given, then `$JAVA_HOME/bin/java`, then
 * `java` on the PATH.
 *
 * @throws {LocalServiceError} `JAVA_NOT_FOUND` with one sentence that says how to install it.
 * @example
 * ```ts
 * import { findJava } from 'serverless-game-kit/local';
 *
 * const { command, major } = findJava();
 * ```
 */
export function findJava(javaPath?: string): JavaRuntime {
  const candidates = javaPath
    ? [javaPath]
    : [...(process.env.JAVA_HOME ? [join(process.env.JAVA_HOME, 'bin', 'java')] : []), 'java'];
  for (const command of candidates) {
    const probe = spawnSync(command, ['-version'], { encoding: 'utf8', timeout: 15_000 });
    if (probe.error || probe.status !== 0) continue;
    const major = parseJavaMajor(`${probe.stderr}\n${probe.stdout}`);
    if (major === undefined) continue;
    if (major < 11) {
      throw new LocalServiceError('JAVA_NOT_FOUND', `Found Java ${major} at ${command}, but ${INSTALL_HINT}`);
    }
    return { command, major };
  }
  throw new LocalServiceError('JAVA_NOT_FOUND', `No Java runtime found. ${INSTALL_HINT}`);
}

/** Reads the major version from `java -version` output (`"17.0.15"` → 17, `"1.8.0_392"` → 8). */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match?.[1]) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
}
