/**
 * The deployment's parameters, read from CDK context (`-c key=value` or `cdk.json`) and checked at synth time,
 * so a missing or malformed value fails `cdk synth` with a message that says what to pass.
 */

/** Everything the stack is parameterised by, after validation and defaults. */
export interface DeploySettings {
  /** Names every table and the stack: `mygame` → `mygame-scores`, stack `mygame-game-kit`. */
  prefix: string;
  /** Kakao app ids whose tokens the auth Lambda accepts (at least one). */
  kakaoAppIds: number[];
  /** The Cognito developer provider name; default `<prefix>.auth` (cannot be changed once the pool exists). */
  developerProviderName: string;
  /** Folder of patch releases in the bucket (`sgk patch publish --prefix`); default `update`. */
  patchPrefix: string;
  /** Origins allowed to call the HTTP API from a browser; default: the CloudFront domain only. */
  allowedOrigins: string[] | undefined;
  /** Sandbox: tables and bucket are deleted with the stack (`removalPolicy: DESTROY`), no point-in-time recovery. */
  sandbox: boolean;
  /** Refuse quiz connections without a Cognito token (sent in `Sec-WebSocket-Protocol`); default false: guests may play. */
  quizRequireToken: boolean;
  /** Steady-state requests per second per API stage (HTTP and WebSocket); default 100. */
  apiRateLimit: number;
  /** Burst of requests per API stage; default 200. */
  apiBurstLimit: number;
  /** The Kakao login page's settings; the keys are public values (they ship in the page). */
  kakaoLogin: {
    javaScriptKey: string | undefined;
    restApiKey: string | undefined;
    /** `postMessage` (default) or a loopback URL `http://127.0.0.1:<port>/callback`. */
    redirect: string;
    /** The game window's origin for `postMessage`; default: the first allowed origin (the CloudFront domain). */
    openerOrigin: string | undefined;
  };
}

/** Reads one context value: `app.node.tryGetContext` or a plain object in tests. */
export type ContextReader = (key: string) => unknown;

/** A context value is missing or malformed; the message names the `-c` flag to pass. */
export class DeploySettingsError extends Error {
  override readonly name = 'DeploySettingsError';
}

const PREFIX = /^[a-z][a-z0-9-]{1,22}[a-z0-9]$/;
const KAKAO_APP_ID = /^\d{1,15}$/;
const PROVIDER_NAME = /^[\w.-]{1,128}$/;
const PATCH_PREFIX = /^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*$/;
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/\s?#*]+$/;
const LOOPBACK_REDIRECT = /^http:\/\/(?:127\.0\.0\.1|\[::1\]|localhost):\d{1,5}\/\S*$/;

const USAGE = 'npx cdk deploy -c kakaoAppIds=<id>[,<id>…] -c prefix=<name>';

/**
 * Validates the CDK context and fills in the defaults.
 *
 * @param read - Returns the raw context value of a key (`(key) => app.node.tryGetContext(key)`).
 * @returns The settings.
 * @throws {DeploySettingsError} naming every missing or malformed value and the flag that sets it.
 * @example
 * ```ts
 * const settings = readDeploySettings((key) => app.node.tryGetContext(key));
 * ```
 */
export function readDeploySettings(read: ContextReader): DeploySettings {
  const problems: string[] = [];

  const prefix = text(read('prefix'));
  if (prefix === undefined) problems.push('missing -c prefix=<name> (e.g. -c prefix=mygame)');
  else if (!PREFIX.test(prefix))
    problems.push(
      `prefix "${prefix}" must be 3-24 lower-case letters, digits or hyphens, starting with a letter`,
    );

  const kakaoAppIds = list(read('kakaoAppIds'));
  if (kakaoAppIds.length === 0)
    problems.push('missing -c kakaoAppIds=<id>[,<id>…] (the Kakao app id, a number, from Kakao Developers)');
  for (const id of kakaoAppIds) {
    if (!KAKAO_APP_ID.test(id) || Number(id) === 0)
      problems.push(`kakaoAppIds: "${id}" is not a Kakao app id (a positive number)`);
  }

  const developerProviderName = text(read('developerProviderName')) ?? `${prefix ?? 'game'}.auth`;
  if (!PROVIDER_NAME.test(developerProviderName))
    problems.push(`developerProviderName "${developerProviderName}" may hold only letters, digits, . _ -`);

  const patchPrefix = text(read('patchPrefix')) ?? 'update';
  if (!PATCH_PREFIX.test(patchPrefix))
    problems.push(`patchPrefix "${patchPrefix}" must be a folder like "update" (no leading or trailing /)`);

  const origins = list(read('allowedOrigins'));
  for (const origin of origins) {
    if (origin !== '*' && !isOrigin(origin))
      problems.push(`allowedOrigins: "${origin}" is not an origin like https://game.example.com (or *)`);
  }

  const sandbox = flag(read('sandbox'), 'sandbox', problems);
  const quizRequireToken = flag(read('quizRequireToken'), 'quizRequireToken', problems);
  const apiRateLimit = positive(read('apiRateLimit'), 100, 'apiRateLimit', problems);
  const apiBurstLimit = positive(read('apiBurstLimit'), 200, 'apiBurstLimit', problems);

  const redirect = text(read('kakaoLoginRedirect')) ?? 'postMessage';
  if (redirect !== 'postMessage' && !LOOPBACK_REDIRECT.test(redirect))
    problems.push(
      `kakaoLoginRedirect must be "postMessage" or a loopback URL like http://127.0.0.1:53682/callback`,
    );
  const openerOrigin = text(read('kakaoLoginOpenerOrigin'));
  if (openerOrigin !== undefined && !isOrigin(openerOrigin))
    problems.push(`kakaoLoginOpenerOrigin "${openerOrigin}" is not an origin (and never "*")`);

  if (problems.length > 0 || prefix === undefined) {
    throw new DeploySettingsError(
      `Cannot synthesize the serverless-game-kit stack:\n  - ${problems.join('\n  - ')}\nUsage: ${USAGE}`,
    );
  }
  return {
    prefix,
    kakaoAppIds: kakaoAppIds.map(Number),
    developerProviderName,
    patchPrefix,
    allowedOrigins: origins.length > 0 ? origins : undefined,
    sandbox,
    quizRequireToken,
    apiRateLimit,
    apiBurstLimit,
    kakaoLogin: {
      javaScriptKey: text(read('kakaoJavaScriptKey')),
      restApiKey: text(read('kakaoRestApiKey')),
      redirect,
      openerOrigin,
    },
  };
}

function text(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** `"a,b"`, `["a", "b"]` (cdk.json) or a single number → `["a", "b"]`. */
function list(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
  return items.map(text).filter((item): item is string => item !== undefined);
}

function flag(value: unknown, name: string, problems: string[]): boolean {
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  problems.push(`${name} must be true or false`);
  return false;
}

function positive(value: unknown, fallback: number, name: string, problems: string[]): number {
  const raw = text(value);
  if (raw === undefined) return fallback;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) === 0) {
    problems.push(`${name} must be a positive integer`);
    return fallback;
  }
  return Number(raw);
}

/** `scheme://host[:port]` with no path: `https://game.example.com`, `http://127.0.0.1:8080`, `app://game`. */
function isOrigin(value: string): boolean {
  return ORIGIN.test(value);
}
