import { type ChildProcess, spawn } from 'node:child_process';

/** A child process that cannot outlive this one, see {@link spawnSupervised}. */
export interface SupervisedProcess {
  /** Process id of the supervisor; the service runs in its process group. */
  readonly pid: number;
  /** Resolves with the exit code (or `null` when killed by a signal) once the whole group has ended. */
  readonly exited: Promise<number | null>;
  /** The last lines the service printed, for error messages. */
  recentOutput(): string;
  /** Ends the service: closes its lifeline, then kills the group if it has not ended within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group has already ended.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  });
}

/**
 * POSIX shell supervisor: starts the service in the background and waits on its stdin, which is a pipe from
 * this process. When this process closes the pipe — on `stop()`, on a normal exit, or because it crashed or
 * was SIGKILLed — `read` returns and the service is killed. No orphaned JVM survives a killed test runner.
 */
const SUPERVISOR = '"$@" </dev/null & child=$!; read -r _ || true; kill "$child" 2>/dev/null; wait "$child"';

/**
 * Spawns `command` so that it ends when this process ends, however it ends.
 *
 * @example
 * ```ts
 * const service = spawnSupervised('java', ['-jar', 'DynamoDBLocal.jar', '-inMemory']);
 * await service.stop();
 * ```
 */
export function spawnSupervised(command: string, args: readonly string[], cwd?: string): SupervisedProcess {
  const onWindows = process.platform === 'win32';
  const child = onWindows
    ? spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true })
    : spawn('sh', ['-c', SUPERVISOR, 'sgk-supervisor', command, ...args], {
        cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      });
  live.add(child);
  installExitHook();

  const lines: string[] = [];
  const remember = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split(/\r?\n/)) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > 40) lines.shift();
    }
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);
  child.stdin?.on('error', () => {
    // EPIPE when the supervisor has already gone; nothing to do.
  });

  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      lines.push(String(error));
      live.delete(child);
      resolve(null);
    });
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    });
  });

  return {
    pid: child.pid ?? -1,
    exited,
    recentOutput: () => lines.join('\n'),
    async stop(graceMs = 5_000) {
      if (!live.has(child)) return;
      if (onWindows) child.kill();
      else child.stdin?.end();
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      try {
        await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
