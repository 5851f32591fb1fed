import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  RequestError,
  readJsonBody,
  requestHeader,
  requestMethod,
} from '../../src/core/lambda/http-request.js';
import { errorResponse } from '../../src/core/lambda/http-response.js';

function v2(body: string | undefined, headers: Record<string, string> = {}, isBase64Encoded = false) {
  return {
    version: '2.0',
    headers,
    body,
    isBase64Encoded,
    requestContext: { http: { method: 'post' } },
  } as unknown as APIGatewayProxyEventV2;
}

describe('readJsonBody', () => {
  it('parses a plain JSON body', () => {
    expect(readJsonBody(v2('{"a":1}'))).toEqual({ a: 1 });
  });

  it('decodes a base64-encoded body first', () => {
    expect(readJsonBody(v2(Buffer.from('{"한":"글"}').toString('base64'), {}, true))).toEqual({ 한: '글' });
  });

  it.each([
    [undefined, 'MISSING_BODY'],
    ['', 'MISSING_BODY'],
    ['{', 'INVALID_JSON'],
  ])('refuses %j with %s', (body, code) => {
    expect(() => readJsonBody(v2(body))).toThrow(expect.objectContaining({ code }) as Error);
  });

  it('refuses bodies over the size limit with 413', () => {
    const error = (() => {
      try {
        readJsonBody(v2(JSON.stringify({ text: 'x'.repeat(100) })), 50);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(RequestError);
    expect(error).toMatchObject({ code: 'BODY_TOO_LARGE', statusCode: 413 });
  });

  it('refuses a non-JSON content type with 415', () => {
    expect(() => readJsonBody(v2('{}', { 'content-type': 'text/plain' }))).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_MEDIA_TYPE', statusCode: 415 }) as Error,
    );
  });

  it('accepts JSON with a charset and vendor JSON types', () => {
    expect(readJsonBody(v2('{}', { 'content-type': 'application/json; charset=utf-8' }))).toEqual({});
    expect(readJsonBody(v2('{}', { 'content-type': 'application/vnd.api+json' }))).toEqual({});
  });
});

describe('request helpers', () => {
  it('finds REST API headers whatever their case', () => {
    const event = {
      headers: { Origin: 'https://game.example' },
      httpMethod: 'GET',
    } as unknown as APIGatewayProxyEvent;
    expect(requestHeader(event, 'origin')).toBe('https://game.example');
    expect(requestMethod(event)).toBe('GET');
  });

  it('builds the kit error shape', () => {
    const response = errorResponse(400, 'INVALID_BODY', 'bad');
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'INVALID_BODY', message: 'bad' } });
    expect(response.headers['content-type']).toMatch(/application\/json/);
  });
});
