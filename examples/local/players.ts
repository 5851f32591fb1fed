/**
 * The demo's scripted players and their login: a Kakao access token from the local Kakao server (a real game
 * gets it from Kakao's login), exchanged at `POST /auth/kakao` for a Cognito identity with `KakaoCognitoAuth`.
 */
import { KakaoCognitoAuth } from '../../src/auth/client.js';
import { getChoseong } from '../../src/hangul/getChoseong.js';
import type { GameClientConfig } from '../../src/local/game-stack.js';
import type { LocalStack } from '../../src/local/stack/start-local-stack.js';
import type { Terminal } from './terminal.js';

/** A scripted player: name, Kakao user id, and the scores they will play. */
export interface DemoPlayerScript {
  name: string;
  kakaoId: number;
  plays: readonly number[];
}

/** A signed-in player. */
export interface DemoPlayer extends DemoPlayerScript {
  auth: KakaoCognitoAuth;
  identityId: string;
}

/** Four players; the first two also play the quiz. */
export const DEMO_PLAYERS: readonly DemoPlayerScript[] = Object.freeze([
  { name: '민지', kakaoId: 3_141_592_653, plays: [12, 18, 15] },
  { name: '준호', kakaoId: 2_718_281_828, plays: [18, 9] },
  { name: '서연', kakaoId: 1_618_033_988, plays: [21, 14, 14] },
  { name: '하늘', kakaoId: 1_414_213_562, plays: [7, 12] },
]);

/**
 * Signs every scripted player in and prints who they are now.
 *
 * @example
 * ```ts
 * const players = await signInPlayers(stack, gameClientConfig(stack), terminal);
 * ```
 */
export async function signInPlayers(
  stack: LocalStack,
  config: GameClientConfig,
  terminal: Terminal,
  scripts: readonly DemoPlayerScript[] = DEMO_PLAYERS,
): Promise<DemoPlayer[]> {
  const kakao = stack.identity.kakao;
  if (!kakao) throw new Error('The stack runs without its local Kakao server.');
  terminal.note(
    `Each player gets a Kakao access token (here from the local Kakao server) and sends it to POST ${new URL(config.authEndpoint).pathname}:`,
  );
  terminal.note(
    'the handler checks it with Kakao (token info, app id) and asks Cognito for an OpenID token of the player.',
  );
  const players = await Promise.all(
    scripts.map(async (script) => {
      const auth = new KakaoCognitoAuth({
        authEndpoint: config.authEndpoint,
        region: config.region,
        identityPoolId: config.identityPoolId,
        ...(config.cognitoEndpoint ? { cognitoEndpoint: config.cognitoEndpoint } : {}),
      });
      const session = await auth.signIn(kakao.mintToken({ kakaoId: script.kakaoId }));
      return { ...script, auth, identityId: session.identityId };
    }),
  );
  terminal.table(
    ['player', 'choseong', 'Kakao id', 'Cognito identity'],
    players.map((player) => [player.name, getChoseong(player.name), player.kakaoId, player.identityId]),
  );
  terminal.ok(`${players.length} players signed in.`);
  return players;
}

/**
 * Shows the temporary AWS credentials of a player's identity, as the SDK credential provider hands them out.
 *
 * @example
 * ```ts
 * await showCredentials(players[0], terminal);
 * ```
 */
export async function showCredentials(player: DemoPlayer, terminal: Terminal): Promise<void> {
  const credentials = await player.auth.credentialProvider();
  terminal.note(
    `${player.name}'s client calls Cognito GetCredentialsForIdentity with its OpenID token: temporary AWS credentials`,
  );
  terminal.note(
    'of the pool’s authenticated role, refreshed before they expire. They sign score requests (SigV4, IAM auth).',
  );
  terminal.table(
    ['player', 'access key id', 'secret', 'session token', 'expires'],
    [
      [
        player.name,
        credentials.accessKeyId,
        '(hidden)',
        `${(credentials.sessionToken ?? '').length} characters`,
        credentials.expiration?.toISOString() ?? '-',
      ],
    ],
  );
}
