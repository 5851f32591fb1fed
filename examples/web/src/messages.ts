/**
 * What the page says when something fails: one language (Korean, the page's) for every message, the kit's error
 * `code` kept in English after it so a player can report it and a developer can look it up. The kit's own
 * `message`s are English and written for developers; they never reach the page.
 */

/** Korean text of the kit's error codes (scores, auth and quiz clients). */
const MESSAGES: Readonly<Record<string, string>> = Object.freeze({
  // Transport, any client
  NETWORK: '서버에 연결할 수 없어요. 네트워크를 확인해 주세요.',
  TIMEOUT: '서버가 제때 응답하지 않았어요. 잠시 후 다시 해 주세요.',
  ABORTED: '요청을 취소했어요.',
  INVALID_RESPONSE: '서버 응답을 읽을 수 없어요.',
  // Scores
  INVALID_SCORE: '점수가 올바르지 않아요.',
  INVALID_NAME: '이 닉네임은 점수판에 쓸 수 없어요.',
  INVALID_BOARD: '점수판 이름이 올바르지 않아요.',
  UNKNOWN_BOARD: '없는 점수판이에요.',
  INVALID_QUERY: '요청이 올바르지 않아요.',
  INVALID_CURSOR: '페이지 정보가 맞지 않아요. 처음부터 다시 불러와 주세요.',
  INVALID_BODY: '요청이 올바르지 않아요.',
  UNAUTHENTICATED: '로그인이 필요해요. 다시 로그인해 주세요.',
  FORBIDDEN: '서버가 요청을 거절했어요. 다시 로그인해 주세요.',
  RATE_LIMITED: '요청이 너무 잦아요. 잠시 후 다시 해 주세요.',
  CONTENTION: '동시에 너무 많은 요청이 몰렸어요. 다시 해 주세요.',
  SCORES_ENDPOINT_ERROR: '점수 서버 주소가 맞지 않아요. 설정을 확인해 주세요.',
  INTERNAL: '서버에 문제가 생겼어요. 잠시 후 다시 해 주세요.',
  // Auth
  INVALID_TOKEN: '카카오 로그인이 유효하지 않아요. 다시 로그인해 주세요.',
  TOKEN_EXPIRED: '카카오 로그인이 만료됐어요. 다시 로그인해 주세요.',
  SESSION_EXPIRED: '카카오 로그인이 만료됐어요. 다시 로그인해 주세요.',
  APP_NOT_ALLOWED: '이 게임이 허용하지 않은 카카오 앱의 로그인이에요.',
  KAKAO_UNAVAILABLE: '카카오 서버에 연결할 수 없어요. 잠시 후 다시 해 주세요.',
  KAKAO_TIMEOUT: '카카오 서버가 제때 응답하지 않았어요.',
  COGNITO_UNAVAILABLE: '게임 서버 이용 자격을 받지 못했어요. 잠시 후 다시 해 주세요.',
  COGNITO_REJECTED: '게임 서버 이용 자격을 받지 못했어요. 설정을 확인해 주세요.',
  NOT_SIGNED_IN: '로그인되어 있지 않아요.',
  AUTH_ENDPOINT_ERROR: '로그인 서버가 알 수 없는 오류로 응답했어요.',
  INVALID_CONFIG: '설정이 올바르지 않아요.',
  INVALID_OPTIONS: '설정이 올바르지 않아요.',
  // Quiz client
  JOIN_FAILED: '방에 들어가지 못했어요.',
  JOIN_TIMEOUT: '방에 들어가는 데 너무 오래 걸려요. 다시 해 주세요.',
  INVALID_TEXT: '1–500자로 입력해 주세요.',
  QUEUE_FULL: '연결을 기다리는 메시지가 너무 많아요. 다시 연결된 뒤에 보내 주세요.',
  LEFT: '방에서 나왔어요.',
  CONNECTION_LOST: '연결이 끊겼어요. 방에 다시 들어가 주세요.',
});

/** Korean text of the quiz server's `error` events, where they differ from the codes above. */
const QUIZ_EVENT_MESSAGES: Readonly<Record<string, string>> = Object.freeze({
  ROUND_TAKEN: '아쉬워요, 한발 늦었어요!',
  WORD_ALREADY_USED: '이번 라운드에 이미 나온 낱말이에요.',
  EMPTY_TEXT: '빈 메시지는 보낼 수 없어요.',
  TEXT_TOO_LONG: '메시지가 너무 길어요.',
  BUSY: '잠시 후 다시 보내 주세요.',
  NOT_JOINED: '방에 들어가 있지 않아요. 다시 입장해 주세요.',
  RATE_LIMITED: '너무 빨리 보내고 있어요. 잠깐 쉬었다가 보내 주세요.',
});

/**
 * An error of the page itself, worded in Korean already (a bad `config.json`, the local login stand-in).
 *
 * @example
 * ```ts
 * throw new DemoError('CONFIG_INVALID', 'config.json에 httpApi 값이 없어요.');
 * ```
 */
export class DemoError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'DemoError';
    this.code = code;
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && code.length > 0 ? code : undefined;
}

function withCode(text: string, code: string | undefined): string {
  return code === undefined ? text : `${text} (${code})`;
}

/**
 * A Korean message for anything thrown, ending with the error's code when it has one.
 *
 * @example
 * ```ts
 * status.textContent = errorMessage(error); // '서버가 요청을 거절했어요. 다시 로그인해 주세요. (FORBIDDEN)'
 * ```
 */
export function errorMessage(error: unknown): string {
  const code = codeOf(error);
  if (error instanceof DemoError) return withCode(error.message, code);
  const text = code === undefined ? undefined : MESSAGES[code];
  if (text === undefined) return withCode('예상하지 못한 오류가 났어요.', code ?? nameOf(error));
  const wait = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return typeof wait === 'number' && code === 'RATE_LIMITED'
    ? withCode(`요청이 너무 잦아요. ${wait}초 뒤에 다시 해 주세요.`, code)
    : withCode(text, code);
}

function nameOf(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/**
 * A Korean message for a quiz server `error` event (`{ code, message }`): the game's own words for what happens
 * in play (`ROUND_TAKEN`), else an error message ending with the code.
 *
 * @example
 * ```ts
 * room.onError((event) => (line.textContent = quizEventMessage(event))); // '아쉬워요, 한발 늦었어요!'
 * ```
 */
export function quizEventMessage(event: { code: string }): string {
  const gameText = QUIZ_EVENT_MESSAGES[event.code];
  if (gameText !== undefined) return gameText;
  return withCode(MESSAGES[event.code] ?? '메시지를 처리하지 못했어요.', event.code);
}
