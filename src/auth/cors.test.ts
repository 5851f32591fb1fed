import { describe, expect, it } from 'vitest';
import { corsHeaders } from './cors.js';

describe('corsHeaders', () => {
  it('gives nothing when CORS is off', () => {
    expect(corsHeaders(undefined, 'https://a.example', false)).toEqual({});
  });

  it('gives nothing without an Origin header', () => {
    expect(corsHeaders({ allowOrigins: ['*'] }, undefined, false)).toEqual({});
  });

  it('answers * for any origin without credentials', () => {
    expect(corsHeaders({ allowOrigins: ['*'] }, 'https://a.example', false)).toEqual({
      'access-control-allow-origin': '*',
    });
  });

  it('echoes an allowed origin and varies on it', () => {
    expect(corsHeaders({ allowOrigins: ['https://a.example'] }, 'https://a.example', false)).toEqual({
      'access-control-allow-origin': 'https://a.example',
      vary: 'origin',
    });
  });

  it('gives nothing for an origin that is not listed', () => {
    expect(corsHeaders({ allowOrigins: ['https://a.example'] }, 'https://b.example', false)).toEqual({});
  });

  it('adds the preflight headers with their defaults', () => {
    expect(
      corsHeaders({ allowOrigins: ['https://a.example'], allowCredentials: true }, 'https://a.example', true),
    ).toEqual({
      'access-control-allow-origin': 'https://a.example',
      vary: 'origin',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '600',
    });
  });
});
