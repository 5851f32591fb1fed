import { describe, expect, it } from 'vitest';
import type { InvocationOutcome } from '../../src/local/stack/invoke.js';
import { collectHeaders, collectQuery, formatRequestTime } from '../../src/local/stack/websocket/events.js';
import { createFrameSizeGuard } from '../../src/local/stack/websocket/frame-limit.js';
import { connectDecision, routeReply } from '../../src/local/stack/websocket/integration-response.js';
import { parseConnectionsPath } from '../../src/local/stack/websocket/management-api.js';
import {
  parseRouteSelectionExpression,
  selectRouteKey,
} from '../../src/local/stack/websocket/route-selection.js';

/** A masked client frame header (RFC 6455 §5.2) for a payload of `length` bytes, followed by the payload. */
function clientFrame(opcode: number, length: number, fin = true): Buffer {
  const first = (fin ? 0x80 : 0) | opcode;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([first, 0x80 | length]);
  } else if (length < 65_536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = 0x80 | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, Buffer.from([1, 2, 3, 4]), Buffer.alloc(length, 0x61)]);
}

function ok(result: unknown): InvocationOutcome {
  return { status: 'ok', result, durationMs: 1, requestId: 'r' };
}

describe('frame size guard', () => {
  it('lets frames up to the limit through, fed one byte at a time', () => {
    const guard = createFrameSizeGuard(300);
    const stream = Buffer.concat([clientFrame(0x1, 300, false), clientFrame(0x0, 200), clientFrame(0x9, 5)]);

    const reports = [...stream].map((byte) => guard.inspect(Buffer.from([byte])));

    expect(reports.every((report) => report === undefined)).toBe(true);
  });

  it('reports the first data frame over the limit, even after frames that fit', () => {
    const guard = createFrameSizeGuard(32 * 1024);
    const stream = Buffer.concat([clientFrame(0x2, 100), clientFrame(0x1, 70_000)]);

    expect(guard.inspect(stream.subarray(0, 108))).toBeUndefined();
    expect(guard.inspect(stream.subarray(108, 130))).toBe(70_000);
  });

  it('reads 16-bit extended lengths', () => {
    const guard = createFrameSizeGuard(1000);

    expect(guard.inspect(clientFrame(0x1, 1001).subarray(0, 8))).toBe(1001);
  });

  it('does not count control frames against the limit', () => {
    const guard = createFrameSizeGuard(2);

    expect(guard.inspect(clientFrame(0x9, 100))).toBeUndefined();
  });
});

describe('route selection', () => {
  it('parses both spellings of a body route selection expression', () => {
    expect(parseRouteSelectionExpression('$request.body.action')).toEqual(['action']);
    expect(parseRouteSelectionExpression('${request.body.game.type}')).toEqual(['game', 'type']);
  });

  it('rejects expressions that do not select from the body', () => {
    expect(parseRouteSelectionExpression('$request.header.action')).toBeUndefined();
    expect(parseRouteSelectionExpression('$request.body.')).toBeUndefined();
    expect(parseRouteSelectionExpression('action')).toBeUndefined();
  });

  it('selects $default for values that are not strings, arrays and missing paths', () => {
    const any = (): boolean => true;

    expect(selectRouteKey('{"action":5}', ['action'], any)).toBe('$default');
    expect(selectRouteKey('[{"action":"join"}]', ['action'], any)).toBe('$default');
    expect(selectRouteKey('{"game":"join"}', ['game', 'type'], any)).toBe('$default');
    expect(selectRouteKey('null', ['action'], any)).toBe('$default');
  });

  it('never lets a message select $connect or $disconnect', () => {
    expect(selectRouteKey('{"action":"$disconnect"}', ['action'], () => true)).toBe('$default');
  });

  it('does not follow inherited properties', () => {
    expect(selectRouteKey('{"action":{}}', ['action', 'toString'], () => true)).toBe('$default');
  });
});

describe('event parts', () => {
  it('formats requestTime as API Gateway does', () => {
    expect(formatRequestTime(Date.UTC(2015, 3, 9, 2, 4, 6))).toBe('09/Apr/2015:02:04:06 +0000');
  });

  it('keeps header names as sent and merges repeated headers case-insensitively', () => {
    const { headers, multiValueHeaders } = collectHeaders(['X-Tag', 'a', 'x-tag', 'b', 'Host', 'h']);

    expect(headers).toEqual({ 'X-Tag': 'b', Host: 'h' });
    expect(multiValueHeaders).toEqual({ 'X-Tag': ['a', 'b'], Host: ['h'] });
  });

  it('leaves the query string parameters out when there are none', () => {
    expect(collectQuery('/local')).toEqual({});
    expect(collectQuery('/local?')).toEqual({});
  });

  it('decodes percent-encoded query values', () => {
    expect(collectQuery('/?name=%E3%84%B1%E3%84%B4').single).toEqual({ name: 'ㄱㄴ' });
  });
});

describe('integration responses', () => {
  const TWO_WAY = { twoWay: true } as const;
  const ONE_WAY = { twoWay: false } as const;

  it('accepts a $connect result without a statusCode', () => {
    expect(connectDecision(ok(undefined))).toEqual({ accept: true });
    expect(connectDecision(ok({ body: 'hi' }))).toEqual({ accept: true });
  });

  it('treats a malformed $connect statusCode as an internal error', () => {
    expect(connectDecision(ok({ statusCode: 'teapot' }))).toMatchObject({ accept: false, status: 502 });
    expect(connectDecision(ok({ statusCode: 101 }))).toMatchObject({ accept: false, status: 502 });
  });

  it('sends nothing back for a two-way route result without a body', () => {
    expect(routeReply(ok({ statusCode: 200 }), 'c', 'r', TWO_WAY)).toBeUndefined();
    expect(routeReply(ok({ statusCode: 200, body: '' }), 'c', 'r', TWO_WAY)).toBeUndefined();
    expect(routeReply(ok('plain string'), 'c', 'r', TWO_WAY)).toBeUndefined();
  });

  it('sends nothing back for a one-way route result, whatever its body', () => {
    expect(routeReply(ok({ statusCode: 200, body: 'hi' }), 'c', 'r', ONE_WAY)).toBeUndefined();
    expect(routeReply(ok({ statusCode: 500, body: 'oops' }), 'c', 'r', ONE_WAY)).toBeUndefined();
  });

  it('sends Internal server error back for a failed invocation of a one-way route', () => {
    const reply = routeReply(
      { status: 'error', error: new Error('x'), durationMs: 1, requestId: 'r' },
      'c',
      'q',
      ONE_WAY,
    );

    expect(JSON.parse(String(reply?.data))).toEqual({
      message: 'Internal server error',
      connectionId: 'c',
      requestId: 'q',
    });
  });

  it('sends a base64 route result body back as a binary frame', () => {
    expect(routeReply(ok({ body: 'AAE=', isBase64Encoded: true }), 'c', 'r', TWO_WAY)).toEqual({
      data: Buffer.from([0, 1]),
      binary: true,
    });
  });

  it('sends Endpoint request timed out back when a route handler times out', () => {
    const reply = routeReply({ status: 'timeout', durationMs: 1, requestId: 'r' }, 'c', 'q', ONE_WAY);

    expect(JSON.parse(String(reply?.data))).toEqual({
      message: 'Endpoint request timed out',
      connectionId: 'c',
      requestId: 'q',
    });
  });
});

describe('management paths', () => {
  it('decodes the stage, an encoded @ and an encoded connection id', () => {
    expect(parseConnectionsPath('/local/%40connections/abc%3D')).toEqual({
      stage: 'local',
      connectionId: 'abc=',
    });
    expect(parseConnectionsPath('/dev/@connections/abc=?x=1')).toEqual({
      stage: 'dev',
      connectionId: 'abc=',
    });
  });

  it('ignores paths that are not a connection and malformed escapes', () => {
    expect(parseConnectionsPath('/local/@connections/')).toBeUndefined();
    expect(parseConnectionsPath('/@connections/abc')).toBeUndefined();
    expect(parseConnectionsPath('/local/@connections/%E0%A4%A')).toBeUndefined();
    expect(parseConnectionsPath('/local/@connections/a/b')).toBeUndefined();
  });
});
