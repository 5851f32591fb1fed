import { AwsClient } from 'aws4fetch';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type SignedRequest, parseAmzDate, parseSigV4Authorization, verifySigV4 } from './sigv4.js';

const keys = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret/key+example', sessionToken: 'session' };
const signer = new AwsClient({ ...keys, service: 'execute-api', region: 'ap-northeast-2' });

async function signed(
  url: string,
  init: RequestInit = {},
): Promise<{ request: SignedRequest; url: URL; body: string | undefined }> {
  const request = await signer.sign(url, init);
  const headers: Record<string, string> = { host: new URL(url).host };
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = typeof init.body === 'string' ? init.body : undefined;
  const parsed = new URL(request.url);
  return { request: { method: request.method, path: parsed.pathname, headers }, url: parsed, body };
}

function check(request: SignedRequest, secret = keys.secretAccessKey) {
  return verifySigV4(request, parseSigV4Authorization(request.headers.authorization)!, secret);
}

describe('parseSigV4Authorization', () => {
  it('reads the credential scope, signed headers and signature', () => {
    const parsed = parseSigV4Authorization(
      `AWS4-HMAC-SHA256 Credential=AKID/20260101/ap-northeast-2/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'a'.repeat(64)}`,
    );

    expect(parsed).toEqual({
      accessKeyId: 'AKID',
      date: '20260101',
      region: 'ap-northeast-2',
      service: 'execute-api',
      signedHeaders: ['host', 'x-amz-date'],
      signature: 'a'.repeat(64),
    });
  });

  it.each(['Bearer abc', 'AWS4-HMAC-SHA256 Credential=AKID/2026/x/y/aws4_request', ''])(
    'gives undefined for %j',
    (header) => {
      expect(parseSigV4Authorization(header)).toBeUndefined();
    },
  );
});

describe('verifySigV4', () => {
  it('accepts a GET signed by aws4fetch', async () => {
    const { request } = await signed('http://127.0.0.1:4010/whoami');

    expect(check(request)).toBe('valid');
  });

  it('accepts a GET with a query string when it is given', async () => {
    const { request, url } = await signed('http://127.0.0.1:4010/scores?limit=10&cursor=a%20b');

    expect(check({ ...request, rawQueryString: url.search.slice(1) })).toBe('valid');
  });

  it('accepts a non-ASCII path, raw or decoded', async () => {
    const { request } = await signed('http://127.0.0.1:4010/rooms/%EB%B0%A9');

    expect(check(request)).toBe('valid');
    expect(check({ ...request, path: '/rooms/방' })).toBe('valid');
  });

  it('accepts a POST when the body is given', async () => {
    const { request, body } = await signed('http://127.0.0.1:4010/scores', {
      method: 'POST',
      body: '{"score":1}',
    });

    expect(check({ ...request, body: body! })).toBe('valid');
  });

  it('rejects a signature made with another secret', async () => {
    const { request } = await signed('http://127.0.0.1:4010/whoami?x=1');

    expect(check({ ...request, path: '/whoami?x=1' }, 'another secret')).toBe('invalid');
  });

  it('rejects a request whose body changed after signing', async () => {
    const { request } = await signed('http://127.0.0.1:4010/scores', { method: 'POST', body: '{"score":1}' });

    expect(check({ ...request, body: '{"score":999999}', rawQueryString: '' })).toBe('invalid');
  });

  describe('tampering with a captured signature', () => {
    const original = '{"score":10}';
    const swapped = '{"score":777777}';
    const hashOf = (text: string): string => createHash('sha256').update(text).digest('hex');

    it('refuses a swapped body with an unsigned x-amz-content-sha256 holding the original hash', async () => {
      const { request } = await signed('http://127.0.0.1:4010/scores', { method: 'POST', body: original });

      const forged = {
        ...request,
        headers: { ...request.headers, 'x-amz-content-sha256': hashOf(original) },
      };
      expect(check({ ...forged, body: swapped, rawQueryString: '' })).toBe('invalid');
      // The header alone, unsigned, is refused even when it tells the truth.
      expect(check({ ...forged, body: original, rawQueryString: '' })).toBe('invalid');
    });

    it('refuses a swapped body under a signed x-amz-content-sha256, and accepts the body that was signed', async () => {
      const { request } = await signed('http://127.0.0.1:4010/scores', {
        method: 'POST',
        body: original,
        headers: { 'x-amz-content-sha256': hashOf(original) },
      });

      expect(request.headers['authorization']).toContain('x-amz-content-sha256');
      expect(check({ ...request, body: original, rawQueryString: '' })).toBe('valid');
      expect(check({ ...request, body: swapped, rawQueryString: '' })).toBe('invalid');
    });

    it('refuses UNSIGNED-PAYLOAD (only S3 honours it)', async () => {
      const { request } = await signed('http://127.0.0.1:4010/scores', {
        method: 'POST',
        body: original,
        headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      });

      expect(check({ ...request, body: swapped, rawQueryString: '' })).toBe('invalid');
    });

    it.each([
      ['another method', (r: SignedRequest) => ({ ...r, method: 'PUT' })],
      ['another query', (r: SignedRequest) => ({ ...r, rawQueryString: 'board=other' })],
      [
        'a changed signed header',
        (r: SignedRequest) => ({ ...r, headers: { ...r.headers, host: 'evil.example' } }),
      ],
      [
        'another date',
        (r: SignedRequest) => ({
          ...r,
          headers: {
            ...r.headers,
            'x-amz-date': r.headers['x-amz-date']!.replace(
              /(\d{2})Z$/,
              (_m, ss: string) => `${String((Number(ss) + 1) % 60).padStart(2, '0')}Z`,
            ),
          },
        }),
      ],
      ['an empty body', (r: SignedRequest) => ({ ...r, body: '' })],
      ['one extra byte', (r: SignedRequest) => ({ ...r, body: `${original} ` })],
    ])('refuses %s', async (_what, tamper) => {
      const { request } = await signed('http://127.0.0.1:4010/scores?board=main', {
        method: 'POST',
        body: original,
      });
      const genuine = { ...request, body: original, rawQueryString: 'board=main' };

      expect(check(genuine)).toBe('valid');
      expect(check(tamper(genuine))).toBe('invalid');
    });
  });

  it('rejects a request sent to another path', async () => {
    const { request } = await signed('http://127.0.0.1:4010/whoami');

    expect(check({ ...request, path: '/admin', rawQueryString: '' })).toBe('invalid');
  });

  it('calls a POST whose body it was not given unverifiable', async () => {
    const { request } = await signed('http://127.0.0.1:4010/scores', {
      method: 'POST',
      body: '{"score":1}',
      headers: { 'content-length': '11' },
    });

    expect(check(request)).toBe('unverifiable');
  });

  it('calls a mismatch unverifiable when the query string is unknown', async () => {
    const { request } = await signed('http://127.0.0.1:4010/scores?limit=10');

    expect(check(request)).toBe('unverifiable');
  });
});

describe('parseAmzDate', () => {
  it('reads the basic ISO 8601 format', () => {
    expect(parseAmzDate('20260101T120000Z')).toBe(Date.UTC(2026, 0, 1, 12, 0, 0));
  });

  it('gives undefined for anything else', () => {
    expect(parseAmzDate('2026-01-01T12:00:00Z')).toBeUndefined();
  });
});
