import Table from 'cli-table3';

/**
 * A cli-table3 table that only uses colours when its output is a terminal, so logs and CI output stay plain.
 *
 * @example
 * ```ts
 * const table = createTable({ head: ['service', 'endpoint'] }, process.stdout);
 * ```
 */
export function createTable(
  options: ConstructorParameters<typeof Table>[0] = {},
  output: { isTTY?: boolean } = process.stdout,
): InstanceType<typeof Table> {
  return new Table(
    output.isTTY ? options : { ...options, style: { head: [], border: [], ...options.style } },
  );
}
