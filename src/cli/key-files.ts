import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from './cli-error.js';

/** Where {@link writeKeyPair} put the keys. */
export interface WrittenKeyPair {
  privateKeyPath: string;
  publicKeyPath: string;
}

/**
 * Writes `private.pem` (mode 0600) and `public.pem` into `dir`. Keys already there are kept unless `force`:
 * replacing a signing key makes every game that ships the old public key refuse the releases signed with the new
 * one. Each file is written to a temporary name and renamed into place, so an interrupted run never leaves a
 * truncated key.
 *
 * @throws {CliError} `KEYS_EXIST` when a key file exists and `force` is false.
 * @example
 * ```ts
 * import { generateSigningKeyPair } from 'serverless-game-kit/patch';
 *
 * await writeKeyPair('./keys', generateSigningKeyPair(), false);
 * ```
 */
export async function writeKeyPair(
  dir: string,
  keys: { privateKeyPem: string; publicKeyPem: string },
  force: boolean,
): Promise<WrittenKeyPair> {
  const privateKeyPath = join(dir, 'private.pem');
  const publicKeyPath = join(dir, 'public.pem');
  await mkdir(dir, { recursive: true });
  const existing = [];
  for (const path of [privateKeyPath, publicKeyPath]) if (await pathExists(path)) existing.push(path);
  if (existing.length > 0 && !force) {
    throw new CliError(
      'KEYS_EXIST',
      `${existing.join(' and ')} already ${existing.length > 1 ? 'exist' : 'exists'}. A new key pair makes games that ship the old public key refuse releases signed with the new one: pass --force to replace ${existing.length > 1 ? 'them' : 'it'}, or choose another --out folder.`,
    );
  }
  await replaceFile(privateKeyPath, keys.privateKeyPem, 0o600);
  await replaceFile(publicKeyPath, keys.publicKeyPem, 0o644);
  return { privateKeyPath, publicKeyPath };
}

/**
 * True when something (a file, folder or link, even a dangling one) is at `path`.
 *
 * @example
 * ```ts
 * if (await pathExists('keys/private.pem')) console.log('already there');
 * ```
 */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function replaceFile(path: string, text: string, mode: number): Promise<void> {
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    // A new file gets `mode` whatever the one it replaces had (a private key must never stay world-readable).
    await writeFile(temporary, text, { mode, flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
