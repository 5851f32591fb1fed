/**
 * The press game's screen: press the big button (or the space bar) as often as you can; when time is up, submit
 * the score to the leaderboard with `ScoreClient`, signed with the player's Cognito credentials.
 */
import type { ScoreClient, SubmitScoreResult } from 'serverless-game-kit/scores';
import { h, replaceChildren } from './dom.js';
import { PressGame, type PressGameSnapshot } from './press-game.js';
import { errorMessage } from './messages.js';

/** Options of {@link mountGame}. */
export interface GameViewOptions {
  scores: ScoreClient;
  board: string;
  nickname: string;
  durationMs: number;
  /** Called after a successful submission (the score view refreshes). */
  onSubmitted: (result: SubmitScoreResult) => void;
}

/**
 * Renders the game into `root`.
 *
 * @returns A function that removes the keyboard listener.
 * @example
 * ```ts
 * mountGame(byId('game-body'), { scores, board: 'global', nickname: '민지', durationMs: 5000, onSubmitted });
 * ```
 */
export function mountGame(root: HTMLElement, options: GameViewOptions): () => void {
  const game = new PressGame({ durationMs: options.durationMs });
  const seconds = (ms: number): string => (ms / 1000).toFixed(1);

  const count = h('output', { id: 'game-count', class: 'big-number' }, '0');
  const time = h('output', { id: 'game-time' }, seconds(options.durationMs));
  const press = h('button', { id: 'game-press', type: 'button', class: 'press' }, '누르기!');
  const submit = h('button', { id: 'game-submit', type: 'button', hidden: true }, '점수 제출');
  const again = h(
    'button',
    { id: 'game-again', type: 'button', class: 'secondary', hidden: true },
    '다시 하기',
  );
  const status = h('p', { id: 'game-status', class: 'status', role: 'status' });
  replaceChildren(
    root,
    h(
      'p',
      {},
      `${seconds(options.durationMs)}초 동안 버튼이나 스페이스 바를 최대한 많이 누르세요. 첫 번째 누름부터 시간이 갑니다.`,
    ),
    h(
      'div',
      { class: 'game-row' },
      press,
      h('div', {}, h('div', {}, '횟수 ', count), h('div', {}, '남은 시간 ', time, '초')),
    ),
    h('div', { class: 'row' }, submit, again),
    status,
  );

  let ticker: ReturnType<typeof setInterval> | undefined;
  const render = (snapshot: PressGameSnapshot): void => {
    count.textContent = String(snapshot.presses);
    time.textContent = seconds(snapshot.remainingMs);
    root.dataset.phase = snapshot.phase;
    press.disabled = snapshot.phase === 'over';
    if (snapshot.phase === 'running' && ticker === undefined) {
      ticker = setInterval(() => (time.textContent = seconds(game.snapshot.remainingMs)), 100);
    }
    if (snapshot.phase !== 'running' && ticker !== undefined) {
      clearInterval(ticker);
      ticker = undefined;
    }
    if (snapshot.phase === 'over') {
      submit.hidden = snapshot.presses === 0;
      again.hidden = false;
      status.textContent = `끝! ${snapshot.presses}번 눌렀어요.`;
    }
  };
  game.onChange(render);

  // pointerdown, not click: a click also follows a space bar press on a focused button, which would count twice.
  press.addEventListener('pointerdown', () => game.press());
  const onKey = (event: KeyboardEvent): void => {
    const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
    if (event.code !== 'Space' || typing) return;
    event.preventDefault();
    if (event.type === 'keydown' && !event.repeat) game.press();
  };
  document.addEventListener('keydown', onKey);
  document.addEventListener('keyup', onKey);

  again.addEventListener('click', () => {
    submit.hidden = true;
    submit.disabled = false;
    again.hidden = true;
    status.textContent = '';
    game.reset();
  });
  submit.addEventListener('click', () => {
    const score = game.snapshot.presses;
    submit.disabled = true;
    status.textContent = '제출 중…';
    options.scores
      .submit(score, { board: options.board, name: options.nickname })
      .then((result) => {
        submit.hidden = true;
        status.textContent = result.improved
          ? `${score}점 제출! 새 최고 기록이에요.`
          : `${score}점 제출! 최고 기록은 ${result.score}점이에요.`;
        root.dataset.submitted = String(score);
        options.onSubmitted(result);
      })
      .catch((error: unknown) => {
        status.textContent = `제출 실패: ${errorMessage(error)}`;
        submit.disabled = false;
      });
  });

  return () => {
    document.removeEventListener('keydown', onKey);
    document.removeEventListener('keyup', onKey);
  };
}
