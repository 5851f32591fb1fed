/**
 * The leaderboard (top 10, `GET /scoreboard`), the player's own rank, and a bar chart of every score played
 * (`GET /scorehistory`, the distribution the stream aggregator keeps). The distribution follows submissions a
 * moment later (it is built from the table's stream), so after a submission the view polls it until the new play
 * shows. A player without a score is a state ("no score yet"), never an error, and costs no failed request when
 * it can be known without one.
 */
import type { LeaderboardEntry, LeaderboardPage, ScoreBucket, ScoreClient } from 'serverless-game-kit/scores';
import { countAxis, layoutBars } from './chart.js';
import { h, replaceChildren, svg } from './dom.js';
import { errorMessage } from './messages.js';

/** Options of {@link mountScores}. */
export interface ScoresViewOptions {
  scores: ScoreClient;
  board: string;
  /** The signed-in player, whose row and last score are highlighted. */
  playerId: string;
}

/** What the page can ask of the score view. */
export interface ScoresView {
  /**
   * Reloads the leaderboard and the distribution. With `expectScore`, polls the distribution (bounded) until it
   * holds one more play than before.
   */
  refresh(options?: { expectScore?: number }): Promise<void>;
}

/** The plot area is `width` × `height` after `axisWidth` on the left for the count labels and `top` above. */
const CHART = { width: 480, height: 160, labelHeight: 22, axisWidth: 48, top: 28 };
const NO_SCORE_YET = '아직 내 점수가 없어요. 한 판 하고 제출해 보세요!';
const POLL_ATTEMPTS = 20;
const POLL_INTERVAL_MS = 300;

function totalPlays(buckets: readonly ScoreBucket[]): number {
  return buckets.reduce((sum, bucket) => sum + bucket.count, 0);
}

function leaderboardTable(entries: readonly LeaderboardEntry[], playerId: string): HTMLElement {
  if (entries.length === 0)
    return h('p', { class: 'empty' }, '아직 점수가 없어요. 첫 기록의 주인공이 되어 보세요!');
  return h(
    'table',
    { id: 'leaderboard', class: 'table' },
    h('thead', {}, h('tr', {}, h('th', {}, '순위'), h('th', {}, '이름'), h('th', {}, '점수'))),
    h(
      'tbody',
      {},
      ...entries.map((entry) =>
        h(
          'tr',
          {
            class: entry.playerId === playerId ? 'me' : undefined,
            'data-player': entry.playerId,
            'data-score': entry.score,
          },
          h('td', {}, entry.rank),
          h('td', { class: 'name' }, entry.name ?? '(이름 없음)'),
          h('td', { class: 'score' }, entry.score),
        ),
      ),
    ),
  );
}

function countAxisLines(highest: number): { max: number; lines: Element } {
  const axis = countAxis(highest);
  const right = CHART.axisWidth + CHART.width;
  const lines = svg(
    'g',
    { class: 'count-axis' },
    svg('title', {}, '세로축: 횟수'),
    ...axis.ticks.map((tick) => {
      const y = CHART.top + CHART.height - (tick / axis.max) * CHART.height;
      return svg(
        'g',
        { 'data-count': tick },
        svg('line', { x1: CHART.axisWidth, x2: right, y1: y, y2: y }),
        svg('text', { x: CHART.axisWidth - 6, y: y + 6, 'text-anchor': 'end' }, tick),
      );
    }),
  );
  return { max: axis.max, lines };
}

function distributionChart(buckets: readonly ScoreBucket[], mine: number | undefined): Element {
  const highest = Math.max(0, ...buckets.map((bucket) => bucket.count));
  const axis = countAxisLines(highest);
  const bars = layoutBars(buckets, { width: CHART.width, height: CHART.height, countMax: axis.max });
  if (bars.length === 0) return h('p', { class: 'empty' }, '분포를 그릴 기록이 아직 없어요.');
  const labelEvery = Math.ceil(bars.length / 12);
  return svg(
    'svg',
    {
      id: 'distribution',
      viewBox: `0 0 ${CHART.axisWidth + CHART.width} ${CHART.top + CHART.height + CHART.labelHeight}`,
      role: 'img',
      'aria-label': `점수 분포: ${bars.map((bar) => `${bar.from}점 ${bar.count}회`).join(', ')}`,
    },
    axis.lines,
    svg('text', { class: 'axis-title', x: 0, y: 16 }, '횟수'),
    svg(
      'g',
      { transform: `translate(${CHART.axisWidth} ${CHART.top})` },
      ...bars.map((bar, index) => {
        const label = bar.from === bar.to ? `${bar.from}` : `${bar.from}–${bar.to}`;
        const isMine = mine !== undefined && mine >= bar.from && mine <= bar.to;
        return svg(
          'g',
          {
            class: isMine ? 'bar mine' : 'bar',
            'data-from': bar.from,
            'data-to': bar.to,
            'data-count': bar.count,
          },
          svg('title', {}, `${label}점: ${bar.count}회`),
          svg('rect', { x: bar.x, y: bar.y, width: bar.width, height: Math.max(bar.height, 1) }),
          index % labelEvery === 0 || isMine
            ? svg(
                'text',
                {
                  x: bar.x + bar.width / 2,
                  y: CHART.height + CHART.labelHeight - 4,
                  'text-anchor': 'middle',
                },
                label,
              )
            : null,
        );
      }),
    ),
  );
}

/**
 * The player's row: from the top page when it is there; `null` without a request when the page holds the whole
 * board (no `cursor`) or the player has had no score since the last time it was asked; otherwise asked for
 * (`around=me`; `null` again when the server has no score for the player).
 */
async function ownStanding(
  page: LeaderboardPage,
  options: ScoresViewOptions,
  knownScoreless: boolean,
): Promise<LeaderboardEntry | null> {
  const listed = page.entries.find((entry) => entry.playerId === options.playerId);
  if (listed) return listed;
  if (page.cursor === undefined || knownScoreless) return null;
  return options.scores.rank(undefined, { board: options.board });
}

/**
 * Renders the score view into `root` and loads it once.
 *
 * @example
 * ```ts
 * const view = mountScores(byId('scores-body'), { scores, board: 'global', playerId: auth.identityId! });
 * await view.refresh({ expectScore: 17 });
 * ```
 */
export function mountScores(root: HTMLElement, options: ScoresViewOptions): ScoresView {
  const board = h('div', { id: 'leaderboard-box' });
  const rank = h('p', { id: 'my-rank', class: 'note' });
  const chart = h('div', { id: 'distribution-box', class: 'chart' });
  const status = h('p', { id: 'scores-status', class: 'status', role: 'status' });
  const reload = h('button', { type: 'button', class: 'secondary' }, '새로고침');
  replaceChildren(
    root,
    h('p', { class: 'note' }, `보드: ${options.board}`),
    board,
    rank,
    h('h3', {}, '점수 분포'),
    chart,
    h('div', { class: 'row' }, reload),
    status,
  );

  let plays = 0;
  let mine: number | undefined;
  // Until the player submits here, a "no score" answer holds: later refreshes do not ask again. After a
  // submission, a missing rank only means the ranking has not caught up yet.
  let knownScoreless = false;
  let submitted = false;
  let loading: Promise<void> = Promise.resolve();
  // How many refreshes have finished (for tests and tools that wait for one).
  let loads = 0;

  const load = async (expectScore: number | undefined): Promise<void> => {
    const before = plays;
    if (expectScore !== undefined) submitted = true;
    const page = await options.scores.leaderboard({ board: options.board, limit: 10 });
    replaceChildren(board, leaderboardTable(page.entries, options.playerId));
    const me = await ownStanding(page, options, knownScoreless && !submitted);
    if (!submitted) knownScoreless = me === null;
    rank.textContent = me
      ? `내 순위: ${me.rank}위 (최고 ${me.score}점)`
      : submitted
        ? '순위를 계산하는 중이에요…'
        : NO_SCORE_YET;
    rank.dataset.state = me ? 'ranked' : submitted ? 'pending' : 'no-score';

    let history = await options.scores.history({ board: options.board });
    for (let attempt = 1; expectScore !== undefined && attempt < POLL_ATTEMPTS; attempt++) {
      if (totalPlays(history.buckets) > before) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      history = await options.scores.history({ board: options.board });
    }
    plays = totalPlays(history.buckets);
    replaceChildren(chart, distributionChart(history.buckets, mine));
    chart.dataset.plays = String(plays);
  };

  const refresh = (refreshOptions: { expectScore?: number } = {}): Promise<void> => {
    if (refreshOptions.expectScore !== undefined) mine = refreshOptions.expectScore;
    loading = loading
      .catch(() => undefined)
      .then(() => load(refreshOptions.expectScore))
      .then(
        () => void (status.textContent = ''),
        (error: unknown) => void (status.textContent = `불러오기 실패: ${errorMessage(error)}`),
      )
      .finally(() => void (root.dataset.loads = String(++loads)));
    return loading;
  };

  reload.addEventListener('click', () => void refresh());
  setInterval(() => {
    if (document.visibilityState === 'visible') void refresh();
  }, 15_000);
  void refresh();
  return { refresh };
}
