import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/support/errors.js';
import { isPatchError } from './errors.js';
import { generateSigningKeyPair, signDocument, verifyDocument } from './signing.js';

const keys = generateSigningKeyPair();
const document = { formatVersion: 1, release: 'r1', sequence: 2, files: { 'a.txt': { size: 1 } } };

describe('Ed25519 document signatures', () => {
  it('verifies a document it signed', () => {
    const signed = signDocument(document, 'manifest', keys.privateKeyPem, 'k1');

    expect(() =>
      verifyDocument(JSON.parse(JSON.stringify(signed)), 'manifest', keys.publicKeyPem),
    ).not.toThrow();
  });

  it('does not depend on key order or formatting', () => {
    const signed = signDocument(document, 'manifest', keys.privateKeyPem);
    const reordered = {
      signature: signed.signature,
      files: signed.files,
      sequence: 2,
      release: 'r1',
      formatVersion: 1,
    };

    expect(() => verifyDocument(reordered, 'manifest', keys.publicKeyPem)).not.toThrow();
  });

  it('rejects a changed field', () => {
    const signed = signDocument(document, 'manifest', keys.privateKeyPem);

    expect(
      isPatchError(
        errorOf(() => verifyDocument({ ...signed, sequence: 3 }, 'manifest', keys.publicKeyPem)),
        'SIGNATURE_INVALID',
      ),
    ).toBe(true);
  });

  it('rejects an added field', () => {
    const signed = signDocument(document, 'manifest', keys.privateKeyPem);

    expect(
      isPatchError(
        errorOf(() => verifyDocument({ ...signed, expiresAt: null }, 'manifest', keys.publicKeyPem)),
        'SIGNATURE_INVALID',
      ),
    ).toBe(true);
  });

  it('rejects an unsigned document', () => {
    expect(
      isPatchError(
        errorOf(() => verifyDocument(document, 'manifest', keys.publicKeyPem)),
        'SIGNATURE_INVALID',
      ),
    ).toBe(true);
  });

  it('rejects a pointer signature presented as a manifest signature', () => {
    const signed = signDocument(document, 'pointer', keys.privateKeyPem);

    expect(
      isPatchError(
        errorOf(() => verifyDocument(signed, 'manifest', keys.publicKeyPem)),
        'SIGNATURE_INVALID',
      ),
    ).toBe(true);
  });

  it('rejects a key that is not Ed25519', () => {
    expect(
      isPatchError(
        errorOf(() => signDocument(document, 'manifest', 'not a key')),
        'INVALID_OPTIONS',
      ),
    ).toBe(true);
  });
});
