/**
 * A choseong quiz room over the WebSocket API with `QuizRoom`: the current pattern in big letters, live chat
 * (every line is also judged as an answer), who won the last round, and the room's standings. The join token is
 * the player's Cognito OpenID token, so the server knows who answered.
 */
import { getChoseong, matchesChoseong } from 'serverless-game-kit/hangul';
import { type ChatEvent, type QuizState, QuizRoom, type QuizRoomStatus } from 'serverless-game-kit/quiz';
import type { Player } from './login.js';
import { h, replaceChildren } from './dom.js';
import { errorMessage, quizEventMessage } from './messages.js';

/** Options of {@link mountQuiz}. */
export interface QuizViewOptions {
  websocketUrl: string;
  room: string;
  player: Player;
}

const MAX_CHAT_LINES = 50;

const STATUS_LABELS: Record<QuizRoomStatus, string> = {
  connecting: '연결 중…',
  open: '연결됨',
  reconnecting: '다시 연결하는 중…',
  closed: '연결 끊김',
};

/**
 * What the player is told while typing or sending without a connection, or `''` when connected. `waiting` is how
 * many sent messages wait for the connection (`QuizRoom.say` queues them while reconnecting).
 *
 * @example
 * ```ts
 * offlineNotice('reconnecting', 1); // '연결이 끊겨 다시 연결하는 중이에요. 보낸 메시지 1개는 연결되면 전송돼요.'
 * ```
 */
export function offlineNotice(status: QuizRoomStatus, waiting: number): string {
  if (status === 'open') return '';
  if (status === 'closed')
    return '연결이 끊겼어요. 지금 입력한 내용은 보낼 수 없어요. 방에 다시 들어가 주세요.';
  return waiting > 0
    ? `연결이 끊겨 다시 연결하는 중이에요. 보낸 메시지 ${waiting}개는 연결되면 전송돼요.`
    : '연결이 끊겨 다시 연결하는 중이에요. 보내는 메시지는 연결되면 전송돼요.';
}

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
      (room) => showRoom(root, room, () => mountQuiz(root, options)),
      (error: unknown) => {
        status.textContent = `입장 실패: ${errorMessage(error)}`;
        join.disabled = false;
      },
    );
  });
}

/** Renders a joined room; `rejoin` brings the join button back once the connection is lost for good. */
function showRoom(root: HTMLElement, room: QuizRoom, rejoin: () => void): void {
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
  const offline = h('p', { id: 'quiz-offline', class: 'offline', role: 'status', hidden: true });
  const rejoinButton = h(
    'button',
    { id: 'quiz-rejoin', type: 'button', class: 'secondary', hidden: true },
    '다시 입장',
  );
  const form = h('form', { id: 'quiz-form', class: 'row' }, input, send);

  replaceChildren(
    root,
    h(
      'div',
      { class: 'quiz-grid' },
      h('div', {}, round, pattern, last, flash, form, hint, offline, rejoinButton, error),
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
    error.textContent = quizEventMessage(event);
  });

  // Without a connection the form stays usable (messages queue while reconnecting), but says so as soon as the
  // player types or sends, and for as long as messages wait.
  let waiting = 0;
  let noticed = false;
  const showConnection = (): void => {
    const connected = room.status === 'open';
    if (connected) noticed = false;
    const notice = offlineNotice(room.status, waiting);
    offline.textContent = notice;
    offline.hidden = !noticed || notice === '';
    form.classList.toggle('disconnected', !connected);
    form.dataset.connection = room.status;
    rejoinButton.hidden = room.status !== 'closed';
    connection.textContent = STATUS_LABELS[room.status];
  };
  const noticeIfOffline = (): void => {
    if (room.status !== 'open') noticed = true;
    showConnection();
  };
  room.onStatus(showConnection);
  showConnection();
  rejoinButton.addEventListener('click', rejoin);
  input.addEventListener('input', () => {
    updateHint();
    noticeIfOffline();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    error.textContent = '';
    const queued = room.status !== 'open';
    if (queued) waiting++;
    noticeIfOffline();
    input.value = '';
    updateHint();
    room
      .say(text)
      .then(
        () => undefined,
        (failure: unknown) => {
          error.textContent = `보내지 못했어요: ${text} — ${errorMessage(failure)}`;
        },
      )
      .finally(() => {
        if (queued) waiting--;
        showConnection();
      });
  });
  window.addEventListener('pagehide', () => void room.leave());
}
