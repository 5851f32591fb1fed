import { type Command, Help, type Option } from 'commander';

/** The help heading of mandatory options (`new Option(…).makeOptionMandatory().helpGroup(REQUIRED_HEADING)`). */
export const REQUIRED_HEADING = 'Required:';

/**
 * Commander's grouping of help items, with the group headed {@link REQUIRED_HEADING} listed before the others, so
 * `--help` shows what a command cannot run without first. For `configureHelp({ groupItems: requiredFirst })`.
 *
 * @example
 * ```ts
 * import { Command } from 'commander';
 * import { requiredFirst } from './help.js';
 *
 * const program = new Command('sgk').configureHelp({ groupItems: requiredFirst });
 * ```
 */
export function requiredFirst<T extends Command | Option>(
  unsorted: T[],
  visible: T[],
  getGroup: (item: T) => string,
): Map<string, T[]> {
  const groups = new Help().groupItems<T>(unsorted, visible, getGroup);
  const required = groups.get(REQUIRED_HEADING);
  if (!required) return groups;
  groups.delete(REQUIRED_HEADING);
  return new Map([[REQUIRED_HEADING, required], ...groups]);
}
