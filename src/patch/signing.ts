import {
  type KeyObject,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { PatchError } from './errors.js';
import type { ManifestSignature } from './manifest.js';

/** A key as accepted by the publisher and updater: a `KeyObject` or PEM text (PKCS#8 private, SPKI public). */
export type SigningKeyInput = KeyObject | string;

/** What a signature is over, so a signed pointer can never pass as a signed manifest or the reverse. */
export type SignedDocumentKind = 'manifest' | 'pointer';

const CONTEXT: Record<SignedDocumentKind, string> = {
  manifest: 'serverless-game-kit/patch manifest v1\n',
  pointer: 'serverless-game-kit/patch pointer v1\n',
};

/**
 * A new Ed25519 key pair as PEM text: keep `privateKeyPem` on the build machine, ship `publicKeyPem` in the game.
 *
 * @example
 * ```ts
 * import { generateSigningKeyPair } from 'serverless-game-kit/patch';
 *
 * const { privateKeyPem, publicKeyPem } = generateSigningKeyPair();
 * ```
 */
export function generateSigningKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/**
 * Loads an Ed25519 private key.
 *
 * @throws {PatchError} `INVALID_OPTIONS` when it is not an Ed25519 private key.
 */
export function toPrivateKey(key: SigningKeyInput): KeyObject {
  let object: KeyObject;
  try {
    object = typeof key === 'string' ? createPrivateKey(key) : key;
  } catch (error) {
    throw new PatchError('INVALID_OPTIONS', 'signingKey is not a readable private key (PEM, PKCS#8).', {
      cause: error,
    });
  }
  if (object.type !== 'private' || object.asymmetricKeyType !== 'ed25519') {
    throw new PatchError('INVALID_OPTIONS', 'signingKey must be an Ed25519 private key.');
  }
  return object;
}

/**
 * Loads an Ed25519 public key (a private key is accepted too: its public half is used).
 *
 * @throws {PatchError} `INVALID_OPTIONS` when it is not an Ed25519 key.
 */
export function toPublicKey(key: SigningKeyInput): KeyObject {
  let object: KeyObject;
  try {
    object =
      typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  } catch (error) {
    throw new PatchError('INVALID_OPTIONS', 'publicKey is not a readable public key (PEM, SPKI).', {
      cause: error,
    });
  }
  if (object.asymmetricKeyType !== 'ed25519') {
    throw new PatchError('INVALID_OPTIONS', 'publicKey must be an Ed25519 key.');
  }
  return object;
}

/** The bytes a signature covers: a context line, then the canonical JSON of the document without `signature`. */
export function signedBytes(document: object, kind: SignedDocumentKind): Buffer {
  const unsigned: Record<string, unknown> = { ...(document as Record<string, unknown>) };
  delete unsigned.signature;
  return Buffer.from(CONTEXT[kind] + canonicalJson(unsigned), 'utf8');
}

/**
 * Returns a copy of `document` with an Ed25519 `signature` over its canonical JSON (without `signature`).
 *
 * @example
 * ```ts
 * import { signDocument } from 'serverless-game-kit/patch';
 *
 * const signed = signDocument(manifest, 'manifest', privateKeyPem, 'build-2026');
 * ```
 */
export function signDocument<Document extends object>(
  document: Document,
  kind: SignedDocumentKind,
  privateKey: SigningKeyInput,
  keyId?: string,
): Document & { signature: ManifestSignature } {
  const key = toPrivateKey(privateKey);
  const value = sign(null, signedBytes(document, kind), key).toString('base64');
  const signature: ManifestSignature = { algorithm: 'ed25519', value, ...(keyId ? { keyId } : {}) };
  return { ...document, signature };
}

/**
 * Checks the Ed25519 signature of a parsed JSON document (pointer or manifest) as received, before any schema
 * stripping, so fields a newer publisher added stay covered.
 *
 * @throws {PatchError} `SIGNATURE_INVALID` when the document is unsigned or the signature does not verify.
 * @example
 * ```ts
 * import { verifyDocument } from 'serverless-game-kit/patch';
 *
 * verifyDocument(JSON.parse(text), 'pointer', publicKeyPem);
 * ```
 */
export function verifyDocument(
  document: unknown,
  kind: SignedDocumentKind,
  publicKey: SigningKeyInput,
): void {
  const key = toPublicKey(publicKey);
  const signature =
    document !== null && typeof document === 'object'
      ? (document as { signature?: { algorithm?: unknown; value?: unknown } }).signature
      : undefined;
  if (signature === undefined || typeof signature.value !== 'string') {
    throw new PatchError('SIGNATURE_INVALID', `The ${kind} is not signed, but a public key is configured.`);
  }
  if (signature.algorithm !== 'ed25519') {
    throw new PatchError('SIGNATURE_INVALID', `The ${kind} signature uses an unsupported algorithm.`);
  }
  let valid = false;
  try {
    valid = verify(null, signedBytes(document as object, kind), key, Buffer.from(signature.value, 'base64'));
  } catch (error) {
    throw new PatchError('SIGNATURE_INVALID', `The ${kind} signature could not be checked.`, {
      cause: error,
    });
  }
  if (!valid) {
    throw new PatchError(
      'SIGNATURE_INVALID',
      `The ${kind} signature does not match: it was modified after signing or signed with another key.`,
    );
  }
}
