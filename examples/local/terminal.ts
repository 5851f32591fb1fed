/**
 * How the local demo writes to the terminal: section headers, tables (cli-table3), a text histogram, and dim
 * notes. In a TTY it uses colour; anywhere else (CI logs, pipes, tests) the same lines in plain text.
 */
import Table from 'cli-table3';

/** Where the demo writes, and what it knows about it. */
export interface TerminalOptions {
  /** Writes one chunk of text (lines end with `\n`). */
  write: (text: string) => void;
  /** Colour and cursor tricks only when true. */
  isTTY: boolean;
  /** Width to fit; default 80. */
  columns?: number;
}

/** The demo's output helpers. */
export interface Terminal {
  readonly isTTY: boolean;
  /** Usable width: the terminal's, capped at 100 for readability. */
  readonly width: number;
  /** Writes text as is (e.g. the output of a command). */
  write(text: string): void;
  line(text?: string): void;
  /** `── 3. Scores ───────` */
  section(title: string): void;
  /** A secondary line (dim in a TTY). */
  note(text: string): void;
  /** A success line (green ✔ in a TTY). */
  ok(text: string): void;
  table(head: string[], rows: Array<Array<string | number>>): void;
}

const DIM = ['\u001b[2m', '\u001b[22m'] as const;
const BOLD = ['\u001b[1m', '\u001b[22m'] as const;
const GREEN = ['\u001b[32m', '\u001b[39m'] as const;

/**
 * A section header filled with `─` to `width`.
 *
 * @example
 * ```ts
 * sectionHeader('1. Kakao login', 30); // '── 1. Kakao login ───────────'
 * ```
 */
export function sectionHeader(title: string, width: number): string {
  const head = `── ${title} `;
  return head + '─'.repeat(Math.max(3, width - head.length));
}

/** A bucket of a score distribution. */
export interface HistogramBucket {
  score: number;
  count: number;
}

/**
 * A text histogram, one line per score: `   12 │████████ 2`. The longest bar fills the width left after the
 * labels; every non-zero count gets at least one block.
 *
 * @param buckets - Scores with their play counts, in the order to print.
 * @param width - Total width of a line.
 * @example
 * ```ts
 * renderHistogram([{ score: 7, count: 1 }, { score: 12, count: 2 }], 20);
 * // ['  7 │███████ 1', ' 12 │█████████████ 2']
 * ```
 */
export function renderHistogram(buckets: readonly HistogramBucket[], width: number): string[] {
  if (buckets.length === 0) return [];
  const labelWidth = Math.max(...buckets.map((bucket) => String(bucket.score).length)) + 1;
  const countWidth = Math.max(...buckets.map((bucket) => String(bucket.count).length));
  const barRoom = Math.max(10, width - labelWidth - countWidth - 3);
  const highest = Math.max(...buckets.map((bucket) => bucket.count), 1);
  return buckets.map((bucket) => {
    const length = bucket.count > 0 ? Math.max(1, Math.round((bucket.count / highest) * barRoom)) : 0;
    return `${String(bucket.score).padStart(labelWidth)} │${'█'.repeat(length)} ${bucket.count}`;
  });
}

/**
 * Creates the demo's terminal.
 *
 * @example
 * ```ts
 * const terminal = createTerminal({ write: (text) => process.stdout.write(text), isTTY: process.stdout.isTTY });
 * terminal.section('1. Kakao login');
 * ```
 */
export function createTerminal(options: TerminalOptions): Terminal {
  const width = Math.min(Math.max(options.columns ?? 80, 40), 100);
  const paint = (style: readonly [string, string], text: string): string =>
    options.isTTY ? `${style[0]}${text}${style[1]}` : text;
  const line = (text = ''): void => options.write(`${text}\n`);
  return {
    isTTY: options.isTTY,
    width,
    write: options.write,
    line,
    section: (title) => {
      line();
      line(paint(BOLD, sectionHeader(title, width)));
    },
    note: (text) => line(paint(DIM, text)),
    ok: (text) => line(`${paint(GREEN, '✔')} ${text}`),
    table: (head, rows) => {
      const table = new Table({
        head,
        ...(options.isTTY ? {} : { style: { head: [], border: [] } }),
      });
      table.push(...rows.map((row) => row.map(String)));
      line(table.toString());
    },
  };
}
