/**
 * The browser demo game: log in (Kakao → Cognito), play the press game, submit the score, see the leaderboard
 * and the distribution, and play the choseong quiz with others. It uses only the kit's public client subpaths
 * (`serverless-game-kit/auth`, `/scores`, `/quiz`, `/hangul`) and reads its endpoints from `config.json` next
 * to the page. Query options: `?room=`, `?board=`, `?duration=` (ms), `?name=`.
 */
import { ScoreClient } from 'serverless-game-kit/scores';
import './style.css';
import { loadConfig, readPageOptions } from './config.js';
import { byId } from './dom.js';
import { mountGame } from './game.js';
import { type Player, mountLogin } from './login.js';
import { mountQuiz } from './quiz-view.js';
import { mountScores } from './scores-view.js';
import { errorMessage } from './messages.js';

function enable(id: string): void {
  byId(id).setAttribute('aria-disabled', 'false');
}

async function start(): Promise<void> {
  const options = readPageOptions(location.search);
  const config = await loadConfig();

  mountLogin(byId('login-body'), config, { name: options.name }, (player: Player) => {
    const badge = byId('player-badge');
    badge.textContent = `${player.nickname} · 방 ${options.room} · 보드 ${options.board}`;
    badge.hidden = false;

    const scores = new ScoreClient({
      endpoint: config.httpApi,
      region: config.region,
      credentials: player.auth.credentialProvider,
    });
    const scoresView = mountScores(byId('scores-body'), {
      scores,
      board: options.board,
      playerId: player.identityId,
    });
    mountGame(byId('game-body'), {
      scores,
      board: options.board,
      nickname: player.nickname,
      durationMs: options.durationMs,
      onSubmitted: (result) => void scoresView.refresh({ expectScore: result.lastScore }),
    });
    mountQuiz(byId('quiz-body'), { websocketUrl: config.websocket, room: options.room, player });
    for (const id of ['game', 'scores', 'quiz']) enable(id);
  });
}

start().catch((error: unknown) => {
  const fatal = byId('fatal');
  fatal.textContent = `페이지를 시작하지 못했어요: ${errorMessage(error)}`;
  fatal.hidden = false;
});
