import type { InstallState, UpdatePlan } from '../patch/index.js';
import type { InstallDamage } from './install-check.js';

/** What `sgk patch status` concludes about an install folder. */
export type InstallVerdictCode =
  /** Nothing was ever installed there. */
  | 'not-installed'
  /** Without `--cdn`: every installed file holds what the release put there. */
  | 'intact'
  /** The published release is installed and intact. */
  | 'up-to-date'
  /** Another release is published. */
  | 'update-available'
  /** Files of the installed release were changed or deleted: `pull` puts them back. */
  | 'repair-needed'
  /** Without `--cdn`: an update was interrupted while being applied; the next `pull` finishes it. */
  | 'update-pending';

/**
 * The verdict of `sgk patch status` and the sentence it prints: a changed or missing file of the installed
 * release is a repair, never "an update".
 *
 * @example
 * ```ts
 * const { code, message } = installVerdict(state, plan, await findDamagedFiles(dir, state), false);
 * ```
 */
export function installVerdict(
  state: InstallState | undefined,
  plan: UpdatePlan | undefined,
  damage: InstallDamage,
  updatePending: boolean,
): { code: InstallVerdictCode; message: string } {
  const damaged = damage.changed.length + damage.missing.length;
  const damageText = `${damaged} installed ${damaged === 1 ? 'file was' : 'files were'} changed or deleted (${describeDamage(damage)})`;
  if (!state) {
    return {
      code: 'not-installed',
      message: plan
        ? `Nothing installed yet: sgk patch pull installs ${plan.release}.`
        : 'Nothing installed yet.',
    };
  }
  if (!plan) {
    if (updatePending) {
      return {
        code: 'update-pending',
        message: 'An interrupted update is waiting to be finished: run sgk patch pull.',
      };
    }
    return damaged === 0
      ? {
          code: 'intact',
          message: `All ${Object.keys(state.files).length} files match ${state.release}. Add --cdn to check for updates.`,
        }
      : {
          code: 'repair-needed',
          message: `Needs a repair: ${damageText}. sgk patch pull puts ${state.release}'s files back.`,
        };
  }
  if (plan.upToDate) return { code: 'up-to-date', message: 'Up to date.' };
  if (plan.release === state.release) {
    if (plan.download.length === 0 && plan.delete.length === 0) {
      return {
        code: 'up-to-date',
        message: `Up to date (version.json was written again with sequence ${plan.sequence}; sgk patch pull records it).`,
      };
    }
    return {
      code: 'repair-needed',
      message: `Needs a repair: ${damaged > 0 ? damageText : `${plan.download.length} files differ from ${state.release}`}. sgk patch pull puts them back.`,
    };
  }
  return {
    code: 'update-available',
    message:
      `An update is available: ${state.release} → ${plan.release}.` +
      (damaged > 0 ? ` Also, ${damageText}; the update puts them back.` : ''),
  };
}

/**
 * Up to `max` paths, then how many more: `a.txt, b.txt and 3 more`; `-` for none.
 *
 * @example
 * ```ts
 * listSome(['a', 'b', 'c'], 2); // 'a, b and 1 more'
 * ```
 */
export function listSome(paths: readonly string[], max = 5): string {
  if (paths.length === 0) return '-';
  const shown = paths.slice(0, max).join(', ');
  return paths.length > max ? `${shown} and ${paths.length - max} more` : shown;
}

function describeDamage(damage: InstallDamage): string {
  const parts = [];
  if (damage.changed.length > 0) parts.push(`changed: ${listSome(damage.changed, 3)}`);
  if (damage.missing.length > 0) parts.push(`missing: ${listSome(damage.missing, 3)}`);
  return parts.join('; ');
}
