import { describe, expect, it } from 'vitest';
import { parseConfig, readPageOptions } from '../src/config.js';

const config = {
  region: 'ap-northeast-2',
  httpApi: 'http://127.0.0.1:4010',
  authEndpoint: 'http://127.0.0.1:4010/auth/kakao',
  identityPoolId: 'ap-northeast-2:00000000-0000-4000-8000-000000000000',
  websocket: 'ws://127.0.0.1:4011',
};

describe('the page options', () => {
  it('uses the lobby, the global board and five-second games by default', () => {
    expect(readPageOptions('')).toEqual({ room: 'lobby', board: 'global', durationMs: 5000, name: '' });
  });

  it('reads the room, board, duration and name from the query string', () => {
    expect(readPageOptions('?room=test-1&board=test-abc&duration=2000&name=%EB%AF%BC%EC%A7%80')).toEqual({
      room: 'test-1',
      board: 'test-abc',
      durationMs: 2000,
      name: '민지',
    });
  });

  it('falls back to the defaults for values the backend would refuse', () => {
    expect(readPageOptions('?room=no%20spaces&board=~checkpoint&duration=5')).toEqual({
      room: 'lobby',
      board: 'global',
      durationMs: 5000,
      name: '',
    });
  });
});

describe('the page config', () => {
  it('keeps the endpoints the page uses, and the local Kakao stand-in when there is one', () => {
    const parsed = parseConfig({
      ...config,
      cognitoEndpoint: 'http://127.0.0.1:4012/',
      localKakaoTokenUrl: 'http://127.0.0.1:4010/local/kakao/token',
      patchPrefix: 'patch',
    });

    expect(parsed).toEqual({
      ...config,
      cognitoEndpoint: 'http://127.0.0.1:4012/',
      localKakaoTokenUrl: 'http://127.0.0.1:4010/local/kakao/token',
    });
  });

  it('names the first missing field', () => {
    expect(() => parseConfig({ ...config, websocket: '' })).toThrow('config.json에 websocket 값이 없어요.');
  });

  it('refuses what is not an object', () => {
    expect(() => parseConfig('hello')).toThrow('config.json이 JSON 객체가 아니에요.');
  });
});
