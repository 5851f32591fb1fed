import { describe, expect, it } from 'vitest';
import { createTerminal, renderHistogram, sectionHeader } from '../terminal.js';

describe('the demo terminal', () => {
  it('fills a section header to the width', () => {
    expect(sectionHeader('1. Kakao login', 30)).toBe('── 1. Kakao login ────────────');
  });

  it('scales histogram bars so the most frequent score fills the width', () => {
    const lines = renderHistogram(
      [
        { score: 7, count: 1 },
        { score: 12, count: 2 },
      ],
      20,
    );

    expect(lines).toEqual(['  7 │███████ 1', ' 12 │█████████████ 2']);
  });

  it('gives every played score at least one block, however rare', () => {
    const lines = renderHistogram(
      [
        { score: 1, count: 1 },
        { score: 2, count: 1000 },
      ],
      40,
    );

    expect(lines[0]).toBe(' 1 │█ 1');
  });

  it('prints an empty distribution as no lines', () => {
    expect(renderHistogram([], 80)).toEqual([]);
  });

  it('writes plain text without colour codes when the output is not a terminal', () => {
    const chunks: string[] = [];
    const terminal = createTerminal({ write: (text) => chunks.push(text), isTTY: false, columns: 40 });

    terminal.section('Scores');
    terminal.note('a note');
    terminal.ok('done');
    terminal.table(['player', 'score'], [['민지', 18]]);

    const output = chunks.join('');
    expect(output).not.toMatch(/\u001b\[/);
    expect(output).toContain('── Scores ──');
    expect(output).toContain('✔ done');
    expect(output).toMatch(/│ 민지\s+│ 18\s+│/);
  });

  it('colours headers and notes on a terminal', () => {
    const chunks: string[] = [];
    const terminal = createTerminal({ write: (text) => chunks.push(text), isTTY: true });

    terminal.note('a note');

    expect(chunks.join('')).toBe('\u001b[2ma note\u001b[22m\n');
  });
});
