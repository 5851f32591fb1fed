import { describe, expect, it } from 'vitest';
import { warnAboutUnsupportedNode } from './node-version.js';

function check(version: string, env: NodeJS.ProcessEnv = {}): { lines: string[]; env: NodeJS.ProcessEnv } {
  const lines: string[] = [];
  warnAboutUnsupportedNode(version, env, (line) => lines.push(line));
  return { lines, env };
}

describe('warnAboutUnsupportedNode', () => {
  it('is silent on supported versions and leaves the SDK alone', () => {
    for (const version of ['22.0.0', '22.12.0', '24.1.0', '26.0.0']) {
      expect(check(version)).toEqual({ lines: [], env: {} });
    }
  });

  it('says it in one line on Node 20 and replaces the SDK’s own notice', () => {
    const { lines, env } = check('20.20.2');
    expect(lines).toEqual(['sgk: Node.js 20.20.2 is not supported (end of life); use Node.js 22 or later.']);
    expect(env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('true');
  });

  it('stays quiet when the caller already silenced the notice', () => {
    expect(check('18.19.0', { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }).lines).toEqual([]);
  });
});
