/**
 * Logging in: a Kakao access token in, a Cognito identity (and AWS credentials) out, through
 * `KakaoCognitoAuth` — exactly what a deployed game does. Only where the Kakao token comes from differs: a real
 * game runs Kakao's JavaScript login (`examples/kakao-login/`); this local demo asks the local stack's stand-in
 * for a test token of the Kakao user id you type.
 */
import { KakaoCognitoAuth } from 'serverless-game-kit/auth';
import { getChoseong } from 'serverless-game-kit/hangul';
import type { WebDemoConfig } from './config.js';
import { h, replaceChildren } from './dom.js';
import { DemoError, errorMessage } from './messages.js';

/** A signed-in player. */
export interface Player {
  auth: KakaoCognitoAuth;
  nickname: string;
  kakaoId: number;
  identityId: string;
}

/**
 * Display names both the leaderboard and the quiz accept: 1–20 letters, digits, spaces and `_ . ' -`.
 */
export const NICKNAME_PATTERN = /^[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N} _.'-]{0,19}$/u;

/**
 * A random Kakao user id ("회원번호") for a new local player: 10 digits.
 *
 * @example
 * ```ts
 * randomKakaoId(); // 4821937465
 * ```
 */
export function randomKakaoId(random: () => number = Math.random): number {
  return 1_000_000_000 + Math.floor(random() * 8_999_999_999);
}

/**
 * Asks the local stack's stand-in for a Kakao access token of `kakaoId` (local demo only).
 *
 * @throws {DemoError} `LOCAL_KAKAO_REFUSED` when the stand-in refuses or is not there.
 */
async function localKakaoToken(url: string, kakaoId: number): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kakaoId }),
  }).catch(() => {
    throw new DemoError(
      'NETWORK',
      '로컬 카카오 로그인에 연결할 수 없어요. 로컬 스택이 켜져 있는지 확인해 주세요.',
    );
  });
  const body = (await response.json().catch(() => ({}))) as { accessToken?: unknown };
  if (!response.ok || typeof body.accessToken !== 'string') {
    throw new DemoError(
      'LOCAL_KAKAO_REFUSED',
      `로컬 카카오 로그인이 토큰을 주지 않았어요 (HTTP ${response.status}).`,
    );
  }
  return body.accessToken;
}

/**
 * Renders the login form into `root`; calls `onSignedIn` once a player has a Cognito identity.
 *
 * @example
 * ```ts
 * mountLogin(byId('login-body'), config, { name: '' }, (player) => startGame(player));
 * ```
 */
export function mountLogin(
  root: HTMLElement,
  config: WebDemoConfig,
  defaults: { name: string },
  onSignedIn: (player: Player) => void,
): void {
  const tokenUrl = config.localKakaoTokenUrl;
  if (!tokenUrl) {
    replaceChildren(
      root,
      h(
        'p',
        {},
        '이 페이지는 로컬 스택용 데모입니다. 실제 게임은 카카오 JavaScript SDK로 로그인합니다 (examples/kakao-login).',
      ),
    );
    return;
  }

  const nickname = h('input', {
    id: 'login-name',
    name: 'nickname',
    required: true,
    maxlength: 20,
    autocomplete: 'nickname',
    placeholder: '예: 민지',
    value: defaults.name,
  });
  const kakaoId = h('input', {
    id: 'login-kakao-id',
    name: 'kakaoId',
    inputmode: 'numeric',
    pattern: '[0-9]{1,16}',
    value: String(randomKakaoId()),
  });
  const choseong = h('span', { id: 'login-choseong', class: 'choseong-hint' });
  const submit = h(
    'button',
    { id: 'login-submit', type: 'submit', class: 'kakao' },
    '카카오로 로그인 (로컬)',
  );
  const status = h('p', { id: 'login-status', class: 'status', role: 'status' });
  const form = h(
    'form',
    { id: 'login-form', class: 'stack' },
    h('label', {}, '닉네임 ', nickname, ' ', choseong),
    h('label', {}, '카카오 회원번호 ', kakaoId),
    submit,
    h('p', { class: 'note' }, '로컬 데모용 대역: 로컬 카카오 서버가 이 회원번호의 테스트 토큰을 발급합니다.'),
    status,
  );
  const showChoseong = (): void => {
    const hint = getChoseong(nickname.value);
    choseong.textContent = hint ? `초성: ${hint}` : '';
  };
  nickname.addEventListener('input', showChoseong);
  showChoseong();

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = nickname.value.trim();
    const id = Number(kakaoId.value);
    if (!NICKNAME_PATTERN.test(name)) {
      status.textContent = "닉네임은 1–20자의 글자, 숫자, 공백, _ . ' - 만 쓸 수 있어요.";
      return;
    }
    if (!Number.isSafeInteger(id) || id <= 0) {
      status.textContent = '카카오 회원번호는 양의 정수예요.';
      return;
    }
    submit.disabled = true;
    status.textContent = '로그인 중…';
    void (async () => {
      try {
        const auth = new KakaoCognitoAuth({
          authEndpoint: config.authEndpoint,
          region: config.region,
          identityPoolId: config.identityPoolId,
          ...(config.cognitoEndpoint ? { cognitoEndpoint: config.cognitoEndpoint } : {}),
        });
        const session = await auth.signIn(await localKakaoToken(tokenUrl, id));
        replaceChildren(
          root,
          h('p', { id: 'login-done' }, h('strong', {}, name), ` (${getChoseong(name)}) 님, 환영해요!`),
          h('p', { class: 'note' }, `Cognito 자격 증명: ${session.identityId}`),
        );
        onSignedIn({ auth, nickname: name, kakaoId: id, identityId: session.identityId });
      } catch (error) {
        status.textContent = `로그인 실패: ${errorMessage(error)}`;
        submit.disabled = false;
      }
    })();
  });
  replaceChildren(root, form);
}
