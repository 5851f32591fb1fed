import { validateHeaderName, validateHeaderValue } from 'node:http';

/** A response ready to write: status, headers (lower-case names, possibly repeated) and body bytes. */
export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: Map<string, string[]>;
  readonly body: Buffer;
}

/** The handler's result could not be turned into a response; API Gateway answers with an error instead. */
export interface MalformedResult {
  readonly malformed: string;
}

/** Headers the gateway computes itself; a handler's values for them are dropped. */
const HOP_BY_HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function addHeader(headers: Map<string, string[]>, name: string, value: string): string | undefined {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, value);
  } catch (error) {
    return `invalid header ${JSON.stringify(name)}: ${(error as Error).message}`;
  }
  const key = name.toLowerCase();
  if (HOP_BY_HOP.has(key)) return undefined;
  const values = headers.get(key);
  if (values) values.push(value);
  else headers.set(key, [value]);
  return undefined;
}

function jsonResponse(body: string): GatewayResponse {
  return {
    statusCode: 200,
    headers: new Map([['content-type', ['application/json']]]),
    body: Buffer.from(body, 'utf8'),
  };
}

/**
 * Interprets a handler's result as an HTTP API does for payload format 2.0: a result without `statusCode` is
 * a 200 JSON response (strings as they are, everything else JSON-stringified); a structured result
 * `{ statusCode, headers, multiValueHeaders, cookies, body, isBase64Encoded }` is applied exactly (`cookies`
 * become `set-cookie` headers, a base64 body is decoded). Anything that cannot be a response is reported as
 * malformed.
 *
 * @example
 * ```ts
 * const response = toGatewayResponse({ statusCode: 201, cookies: ['a=1'], body: 'ok' });
 * if ('malformed' in response) console.log(response.malformed);
 * ```
 */
export function toGatewayResponse(result: unknown): GatewayResponse | MalformedResult {
  if (typeof result === 'string') return jsonResponse(result);
  if (!isRecord(result) || !('statusCode' in result)) {
    let text: string | undefined;
    try {
      text = JSON.stringify(result ?? null);
    } catch (error) {
      return { malformed: `the result is not serializable: ${(error as Error).message}` };
    }
    return text === undefined ? { malformed: 'the result is not serializable' } : jsonResponse(text);
  }

  const { statusCode, headers, multiValueHeaders, cookies, body, isBase64Encoded } = result;
  if (
    typeof statusCode !== 'number' ||
    !Number.isInteger(statusCode) ||
    statusCode < 100 ||
    statusCode > 599
  ) {
    return {
      malformed: `statusCode must be an integer from 100 to 599, got ${typeof statusCode === 'number' ? statusCode : typeof statusCode}`,
    };
  }
  if (body !== undefined && body !== null && typeof body !== 'string') {
    return { malformed: `body must be a string, got ${typeof body}` };
  }
  if (isBase64Encoded !== undefined && isBase64Encoded !== null && typeof isBase64Encoded !== 'boolean') {
    return { malformed: 'isBase64Encoded must be a boolean' };
  }

  const out = new Map<string, string[]>();
  if (headers !== undefined && headers !== null) {
    if (!isRecord(headers)) return { malformed: 'headers must be an object' };
    for (const [name, value] of Object.entries(headers)) {
      const text = headerText(value);
      if (text === undefined)
        return { malformed: `header ${JSON.stringify(name)} must be a string, number or boolean` };
      const problem = addHeader(out, name, text);
      if (problem) return { malformed: problem };
    }
  }
  if (multiValueHeaders !== undefined && multiValueHeaders !== null) {
    if (!isRecord(multiValueHeaders)) return { malformed: 'multiValueHeaders must be an object' };
    for (const [name, values] of Object.entries(multiValueHeaders)) {
      if (!Array.isArray(values))
        return { malformed: `multiValueHeaders ${JSON.stringify(name)} must be an array` };
      const key = name.toLowerCase();
      // A single-value header of the same name is replaced, not duplicated.
      if (
        headers &&
        isRecord(headers) &&
        Object.keys(headers).some((header) => header.toLowerCase() === key)
      ) {
        out.delete(key);
      }
      for (const value of values as unknown[]) {
        const text = headerText(value);
        if (text === undefined)
          return { malformed: `multiValueHeaders ${JSON.stringify(name)} holds a non-scalar value` };
        const problem = addHeader(out, name, text);
        if (problem) return { malformed: problem };
      }
    }
  }
  if (cookies !== undefined && cookies !== null) {
    if (!Array.isArray(cookies)) return { malformed: 'cookies must be an array of strings' };
    for (const cookie of cookies as unknown[]) {
      if (typeof cookie !== 'string') return { malformed: 'cookies must be an array of strings' };
      const problem = addHeader(out, 'set-cookie', cookie);
      if (problem) return { malformed: problem };
    }
  }
  if (!out.has('content-type')) out.set('content-type', ['application/json']);

  const text = typeof body === 'string' ? body : '';
  const bytes = isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { statusCode, headers: out, body: bytes };
}

/**
 * The gateway's own answers (`404 Not Found`, `502`, `503`…): `{"message": "…"}` as JSON, as API Gateway words them.
 *
 * @example
 * ```ts
 * const response = gatewayError(404, 'Not Found');
 * ```
 */
export function gatewayError(statusCode: number, message: string): GatewayResponse {
  return {
    statusCode,
    headers: new Map([['content-type', ['application/json']]]),
    body: Buffer.from(JSON.stringify({ message }), 'utf8'),
  };
}
