import { describe, expect, it } from 'vitest';
import { createSigningFetch, regionOfApiUrl } from './signing-fetch.js';

describe('regionOfApiUrl', () => {
  it('reads the region of an execute-api URL and nothing else', () => {
    expect([
      regionOfApiUrl('https://abc123.execute-api.ap-northeast-2.amazonaws.com/prod'),
      regionOfApiUrl('https://api.example.com/prod'),
      regionOfApiUrl('not a url'),
    ]).toEqual(['ap-northeast-2', undefined, undefined]);
  });
});

describe('createSigningFetch', () => {
  it('sends the request with a SigV4 authorization for the given service and region', async () => {
    let seen: Headers | undefined;
    const signed = createSigningFetch({
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
      region: 'ap-northeast-2',
      fetch: async (_input, init) => {
        seen = new Headers(init?.headers);
        return new Response('{}');
      },
    });

    await signed('https://example.com/scoreboard?board=global', { method: 'GET' });

    expect(seen?.get('authorization')).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/ap-northeast-2\/execute-api\/aws4_request, SignedHeaders=/,
    );
    expect(seen?.get('x-amz-date')).toMatch(/^\d{8}T\d{6}Z$/);
  });
});
