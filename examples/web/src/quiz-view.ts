/**
 * A choseong quiz room over the WebSocket API with `QuizRoom`: the current pattern in big letters, live chat
 * (every line is also judged as an answer), who won the last round, and the room's standings. The join token is
 * the player's Cognito OpenID token, so the server knows who answered.
 */
import { getChoseong, matchesChoseong } from 'serverless-game-kit/hangul';
import { type ChatEvent, type QuizState, QuizRoom, type QuizRoomStatus } from 'serverless-game-kit/quiz';
import type { Player } from './login.js';
import { describeError, h, replaceChildren } from './dom.js';

/** Options of {@link mountQuiz}. */
export interface QuizViewOptions {
  websocketUrl: string;
  room: string;
  player: Player;
}

const MAX_CHAT_LINES = 50;

const ERROR_MESSAGES: Record<string, string> = {
  ROUND_TAKEN: '아쉬워요, 한발 늦었어요!',
  WORD_ALREADY_USED: '이번 라운드에 이미 나온 낱말이에요.',
  TEXT_TOO_LONG: '메시지가 너무 길어요.',
  BUSY: '잠시 후 다시 보내 주세요.',
};

const STATUS_LABELS: Record<QuizRoomStatus, string> = {
  connecting: '연결 중…',
  open: '연결됨',
  reconnecting: '다시 연결하는 중…',
  closed: '연결 끊김',
};

function standingsTable(state: QuizState, selfId: string | undefined): HTMLElement {
  return h(
    'table',
    { id: 'quiz-standings', class: 'table' },
    h(
      'thead',
      {},
      h('tr', {}, h('th', {}, '순위'), h('th', {}, '이름'), h('th', {}, '점수'), h('th', {}, '정답')),
    ),
    h(
      'tbody',
      {},
      ...state.players.map((player) =>
        h(
          'tr',
          {
            class:
              [player.playerId === selfId ? 'me' : '', player.connected ? '' : 'away'].join(' ').trim() ||
              undefined,
          },
          h('td', {}, player.rank),
          h('td', { class: 'name' }, player.name),
          h('td', { class: 'score' }, player.score),
          h('td', {}, player.answers),
        ),
      ),
    ),
  );
}

function lastRoundLine(state: QuizState): HTMLElement | null {
  const last = state.lastRound;
  if (!last) return null;
  const winner = last.answers[0];
  return h(
    'p',
    { id: 'quiz-last' },
    `지난 라운드 ${last.pattern}: `,
    winner
      ? h('span', {}, '정답자 ', h('strong', { id: 'quiz-winner' }, winner.name), ` — ${winner.word}`)
      : h('span', {}, '시간 초과'),
    last.otherAnswers.length > 0
      ? h('span', { class: 'note' }, ` · 다른 답: ${last.otherAnswers.join(', ')}`)
      : null,
  );
}

/**
 * Renders the quiz panel into `root`; the player joins with the button.
 *
 * @example
 * ```ts
 * mountQuiz(byId('quiz-body'), { websocketUrl: config.websocket, room: 'lobby', player });
 * ```
 */
export function mountQuiz(root: HTMLElement, options: QuizViewOptions): void {
  const join = h('button', { id: 'quiz-join', type: 'button' }, `'${options.room}' 방 입장`);
  const status = h('p', { id: 'quiz-status', class: 'status', role: 'status' });
  replaceChildren(
    root,
    h('p', {}, '초성에 맞는 낱말을 채팅으로 가장 먼저 입력하면 점수를 얻어요. 예: ㅅㄹ → 사람, 사랑, 서랍'),
    join,
    status,
  );

  join.addEventListener('click', () => {
    join.disabled = true;
    status.textContent = '입장 중…';
    QuizRoom.join({
      url: options.websocketUrl,
      room: options.room,
      name: options.player.nickname,
      token: () => options.player.auth.openIdToken(),
    }).then(
      (room) => showRoom(root, room),
      (error: unknown) => {
        status.textContent = `입장 실패: ${describeError(error)}`;
        join.disabled = false;
      },
    );
  });
}

function showRoom(root: HTMLElement, room: QuizRoom): void {
  const round = h('p', { id: 'quiz-round', class: 'note' });
  const pattern = h('div', { id: 'quiz-pattern', class: 'pattern', 'aria-live': 'polite' });
  const last = h('div', { id: 'quiz-last-box' });
  const flash = h('p', { id: 'quiz-flash', class: 'flash', 'aria-live': 'polite' });
  const chat = h('ol', { id: 'quiz-chat', class: 'chat' });
  const input = h('input', {
    id: 'quiz-input',
    maxlength: 100,
    autocomplete: 'off',
    placeholder: '정답이나 채팅',
  });
  const hint = h('span', { id: 'quiz-input-hint', class: 'choseong-hint' });
  const send = h('button', { id: 'quiz-send', type: 'submit' }, '보내기');
  const standings = h('div', { id: 'quiz-standings-box' });
  const connection = h('p', { id: 'quiz-connection', class: 'note' });
  const error = h('p', { id: 'quiz-error', class: 'error', role: 'alert' });
  const form = h('form', { id: 'quiz-form', class: 'row' }, input, send);

  replaceChildren(
    root,
    h(
      'div',
      { class: 'quiz-grid' },
      h('div', {}, round, pattern, last, flash, form, hint, error),
      h('div', {}, h('h3', {}, '채팅'), chat),
      h('div', {}, h('h3', {}, '순위'), standings, connection),
    ),
  );

  const selfId = room.self?.playerId;
  const renderState = (state: QuizState): void => {
    round.textContent = `라운드 ${state.round} · 방 ${state.roomId} · ${state.playerCount}명 접속`;
    pattern.textContent = state.pattern;
    pattern.dataset.round = String(state.round);
    replaceChildren(last, lastRoundLine(state));
    replaceChildren(standings, standingsTable(state, selfId));
    updateHint();
  };
  const addChat = (line: Pick<ChatEvent, 'name' | 'text' | 'playerId'>): void => {
    chat.appendChild(
      h(
        'li',
        { class: line.playerId === selfId ? 'me' : undefined },
        h('strong', {}, line.name),
        ' ',
        line.text,
      ),
    );
    while (chat.children.length > MAX_CHAT_LINES) chat.firstElementChild?.remove();
    chat.scrollTop = chat.scrollHeight;
  };
  const updateHint = (): void => {
    const text = input.value.trim();
    if (!text) {
      hint.textContent = '';
      return;
    }
    const fits = matchesChoseong(text, room.state.pattern);
    hint.textContent = `입력 초성: ${getChoseong(text)}${fits ? ' ✓ 패턴과 일치' : ''}`;
    hint.classList.toggle('fits', fits);
  };

  for (const line of room.state.chat) addChat(line);
  renderState(room.state);
  room.onState(renderState);
  room.onChat(addChat);
  room.onCorrect((hit) => {
    flash.textContent = `${hit.name} 님 정답! ${hit.pattern} → ${hit.word} (+${hit.points}점)`;
  });
  room.onError((event) => {
    error.textContent = ERROR_MESSAGES[event.code] ?? event.message;
  });
  room.onStatus((value) => {
    connection.textContent = STATUS_LABELS[value];
  });
  connection.textContent = STATUS_LABELS[room.status];

  input.addEventListener('input', updateHint);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    error.textContent = '';
    room.say(text).then(
      () => {
        input.value = '';
        updateHint();
      },
      (failure: unknown) => {
        error.textContent = describeError(failure);
      },
    );
  });
  window.addEventListener('pagehide', () => void room.leave());
}
