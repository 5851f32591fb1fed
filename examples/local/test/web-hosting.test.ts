import { describe, expect, it } from 'vitest';
import { cacheControlOf, contentTypeOf } from '../web-hosting.js';

describe('hosting the web demo in the CDN bucket', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['assets/index-abc123.js', 'text/javascript; charset=utf-8'],
    ['assets/index-abc123.css', 'text/css; charset=utf-8'],
    ['config.json', 'application/json; charset=utf-8'],
    ['assets/logo.SVG', 'image/svg+xml'],
    ['assets/data.bin', 'application/octet-stream'],
  ])('stores %s as %s', (path, type) => {
    expect(contentTypeOf(path)).toBe(type);
  });

  it('lets browsers keep hashed assets for a year', () => {
    expect(cacheControlOf('assets/index-abc123.js')).toBe('public, max-age=31536000, immutable');
  });

  it('makes browsers revalidate the page and its config', () => {
    expect([cacheControlOf('index.html'), cacheControlOf('config.json')]).toEqual(['no-cache', 'no-cache']);
  });
});
