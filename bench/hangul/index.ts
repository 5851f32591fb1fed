/**
 * Benchmarks `serverless-game-kit/hangul` against es-hangul in the same process:
 *
 * 1. Correctness: identical `getChoseong` output on all 11,172 syllables and on the benchmark text.
 * 2. `getChoseong` throughput on ~1 MB of deterministic mixed Korean text: exactly 1,000,000 UTF-16 code
 *    units (JavaScript string length); throughput is reported in MB/s of that text's UTF-8 encoding and in
 *    millions of UTF-16 code units per second. Ours and es-hangul alternate run by run so machine noise hits
 *    both alike; the ratio uses medians.
 * 3. `getChoseong` calls per second on short words (per-call overhead).
 * 4. `ChoseongIndex` lookups per second.
 *
 * Run with `npm run bench -- hangul`.
 */
import { getChoseong as esHangulGetChoseong } from 'es-hangul';
import { ChoseongIndex, getChoseong } from '../../src/hangul/index.js';
import { seededRandom } from '../../test/support/seeded-random.js';

const TEXT_LENGTH = 1_000_000;
const WARMUP_RUNS = 5;
const MEASURED_RUNS = 15;
const TARGET_RATIO = 20;

/** Frequent syllables, so the text looks like Korean rather than uniform noise. */
const COMMON_SYLLABLES = [
  ...'이의가는을를에서고다하지기사자리로도나그한국어대수시게정부인일사람요아해보만들것있없거우주전문제학생',
  ...'오늘내일친구게임점수랭킹초성퀴즈정답문제방입장준비시작끝나면다시합니다좋아요감사합니다안녕하세요',
];
const PUNCTUATION = ['.', ',', '!', '?', '~', '...', '"', "'", '(', ')'];
const LATIN_WORDS = ['API', 'game', 'OK', 'Lambda', 'DynamoDB', 'WebSocket', 'lol', 'GG'];
const CHAT_JAMO = ['ㅋㅋ', 'ㅋㅋㅋ', 'ㅎㅎ', 'ㅠㅠ', 'ㄱㄱ', 'ㅇㅇ'];

/**
 * Deterministic mixed text of exactly `length` UTF-16 code units: Hangul words (85% common syllables, 15%
 * any of the 11,172), spaces and newlines, punctuation, numbers, Latin words and chat jamo (ㅋㅋ, ㅠㅠ).
 * It avoids final-only cluster jamo (ㄳ), the one place where es-hangul's output legitimately differs.
 */
function buildMixedText(length: number, seed: number): string {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const parts: string[] = [];
  let size = 0;
  while (size < length) {
    const roll = random();
    let token: string;
    if (roll < 0.86) {
      const syllables = 1 + Math.floor(random() * 4);
      token = '';
      for (let i = 0; i < syllables; i++) {
        token +=
          random() < 0.85
            ? pick(COMMON_SYLLABLES)
            : String.fromCharCode(0xac00 + Math.floor(random() * 11_172));
      }
      if (random() < 0.12) token += pick(PUNCTUATION);
    } else if (roll < 0.91) {
      token = String(Math.floor(random() * 10_000));
    } else if (roll < 0.95) {
      token = pick(LATIN_WORDS);
    } else {
      token = pick(CHAT_JAMO);
    }
    const separator = random() < 0.08 ? '\n' : ' ';
    parts.push(token, separator);
    size += token.length + separator.length;
  }
  return parts.join('').slice(0, length);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function format(value: number, digits = 1): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Keeps results observable so the JIT cannot drop the calls. */
let sink = 0;

function verifySyllables(): boolean {
  const all: string[] = [];
  let identical = true;
  for (let code = 0xac00; code <= 0xd7a3; code++) {
    const syllable = String.fromCharCode(code);
    all.push(syllable);
    if (getChoseong(syllable) !== esHangulGetChoseong(syllable)) identical = false;
  }
  const joined = all.join('');
  return identical && getChoseong(joined) === esHangulGetChoseong(joined);
}

function benchmarkGetChoseong(text: string): void {
  const utf8Bytes = new TextEncoder().encode(text).length;
  const megabytes = utf8Bytes / 1_000_000;
  const megaUnits = text.length / 1_000_000;
  console.log(
    `input: ${format(text.length, 0)} UTF-16 code units = ${format(utf8Bytes, 0)} bytes UTF-8 ` +
      `(throughput below is in MB of UTF-8, 1 MB = 10^6 bytes)`,
  );

  const oursDefault = getChoseong(text);
  const theirsDefault = esHangulGetChoseong(text);
  const oursKeep = getChoseong(text, { other: 'keep' });
  const theirsKeep = esHangulGetChoseong(text, { keepNonHangul: true });
  console.log(
    `identical output (default options vs es-hangul default): ${oursDefault === theirsDefault ? 'yes' : 'no'}`,
  );
  console.log(
    `identical output ({ other: 'keep' } vs es-hangul { keepNonHangul: true }): ${oursKeep === theirsKeep ? 'yes' : 'no'}`,
  );

  for (let run = 0; run < WARMUP_RUNS; run++) {
    sink += getChoseong(text).length;
    sink += esHangulGetChoseong(text).length;
  }

  const ours: number[] = [];
  const theirs: number[] = [];
  for (let run = 0; run < MEASURED_RUNS; run++) {
    let start = performance.now();
    sink += getChoseong(text).length;
    ours.push(performance.now() - start);
    start = performance.now();
    sink += esHangulGetChoseong(text).length;
    theirs.push(performance.now() - start);
  }

  const oursMs = median(ours);
  const theirsMs = median(theirs);
  const report = (name: string, ms: number, all: number[]): void => {
    const seconds = ms / 1000;
    console.log(
      `${name.padEnd(26)} median ${format(ms, 2).padStart(8)} ms  ` +
        `(best ${format(Math.min(...all), 2)} ms)  ` +
        `${format(megabytes / seconds).padStart(8)} MB/s  ${format(megaUnits / seconds).padStart(8)} M units/s`,
    );
  };
  console.log(`getChoseong, ${MEASURED_RUNS} runs each after ${WARMUP_RUNS} warm-up runs:`);
  report('serverless-game-kit/hangul', oursMs, ours);
  report('es-hangul', theirsMs, theirs);
  const ratio = theirsMs / oursMs;
  const bestRatio = Math.min(...theirs) / Math.min(...ours);
  console.log(
    `ours is ${format(ratio)}× faster (medians; best vs best: ${format(bestRatio)}×; ` +
      `target ≥ ${TARGET_RATIO}×: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})`,
  );
}

/** Short inputs (single quiz words) stress per-call overhead rather than throughput. */
function benchmarkShortWords(): void {
  const words = ['강아지', '사람', '고양이', '아이 스크림', '대한민국', '초성퀴즈게임'];
  const block = 50_000;
  const blocks = 10;
  // One loop per implementation keeps each call site monomorphic, so neither pays for the other.
  const runOurs = (): number => {
    const start = performance.now();
    for (let i = 0; i < block; i++) sink += getChoseong(words[i % words.length]!).length;
    return performance.now() - start;
  };
  const runTheirs = (): number => {
    const start = performance.now();
    for (let i = 0; i < block; i++) sink += esHangulGetChoseong(words[i % words.length]!).length;
    return performance.now() - start;
  };
  runOurs();
  runTheirs();
  const oursTimes: number[] = [];
  const theirsTimes: number[] = [];
  // Interleaved blocks, so load changes on the machine hit both alike.
  for (let round = 0; round < blocks; round++) {
    oursTimes.push(runOurs());
    theirsTimes.push(runTheirs());
  }
  const oursRate = block / (median(oursTimes) / 1000);
  const theirsRate = block / (median(theirsTimes) / 1000);
  console.log(
    `getChoseong on short words: ours ${format(oursRate / 1e6, 2)} M calls/s, ` +
      `es-hangul ${format(theirsRate / 1e6, 2)} M calls/s (${format(oursRate / theirsRate)}×, medians)`,
  );
}

function benchmarkIndex(): void {
  const random = seededRandom(7);
  const words: string[] = [];
  for (let i = 0; i < 100_000; i++) {
    const syllables = 2 + Math.floor(random() * 3);
    let word = '';
    for (let k = 0; k < syllables; k++) {
      word +=
        random() < 0.7
          ? COMMON_SYLLABLES[Math.floor(random() * COMMON_SYLLABLES.length)]!
          : String.fromCharCode(0xac00 + Math.floor(random() * 11_172));
    }
    words.push(word);
  }

  let start = performance.now();
  const index = ChoseongIndex.from(words);
  const buildMs = performance.now() - start;
  const patterns = index.patterns();
  console.log(
    `ChoseongIndex: ${format(index.size, 0)} words, ${format(patterns.length, 0)} patterns, built in ${format(buildMs)} ms`,
  );

  const choseongQueries = Array.from({ length: 4096 }, () =>
    getChoseong(words[Math.floor(random() * words.length)]!),
  );
  const mixedQueries = Array.from({ length: 4096 }, () => {
    const word = words[Math.floor(random() * words.length)]!;
    return word[0]! + getChoseong(word.slice(1));
  });

  const measure = (name: string, queries: string[], lookupsPerRound: number): void => {
    for (let i = 0; i < 20_000; i++) sink += index.lookup(queries[i & 4095]!).length;
    const rounds = 5;
    const rates: number[] = [];
    for (let round = 0; round < rounds; round++) {
      start = performance.now();
      for (let i = 0; i < lookupsPerRound; i++) sink += index.lookup(queries[i & 4095]!).length;
      rates.push(lookupsPerRound / ((performance.now() - start) / 1000));
    }
    console.log(`${name.padEnd(34)} ${format(median(rates) / 1e6, 2)} M lookups/s (median of ${rounds})`);
  };
  measure("lookup, choseong pattern ('ㅅㄹㅈ')", choseongQueries, 500_000);
  measure("lookup, mixed pattern ('사ㄹㅈ')", mixedQueries, 200_000);
}

/** Entry point called by `bench/run.ts`. */
export async function run(): Promise<void> {
  console.log(`identical output on all 11,172 syllables: ${verifySyllables() ? 'yes' : 'no'}`);
  benchmarkGetChoseong(buildMixedText(TEXT_LENGTH, 20_240_601));
  benchmarkShortWords();
  benchmarkIndex();
  if (sink === -1) console.log(sink);
}
