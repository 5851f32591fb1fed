/**
 * The quiz's WebSocket routes (`$connect`, `$disconnect`, `$default`) as `QuizRealtime` deploys them. With an
 * identity pool configured, a player may join with a Cognito OpenID token (in `Sec-WebSocket-Protocol`, as
 * `QuizRoom` sends it) and plays as their Cognito identity; a word pack given to the construct ships next to this file as `words.json`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createJwtTokenVerifier,
  createQuizSocketHandler,
  type QuizSocketHandlerOptions,
  wordPackFromFile,
} from '../../quiz/lambda.js';
import { handlerOptions } from './environment.js';

/** The issuer (and JWKS host) of Cognito identity pool OpenID tokens. */
const COGNITO_IDENTITY = 'https://cognito-identity.amazonaws.com';
const WORDS_FILE = fileURLToPath(new URL('./words.json', import.meta.url));

const options = handlerOptions<QuizSocketHandlerOptions & { identityPoolId?: string }>();
const { identityPoolId, ...socketOptions } = options;

export const handler = createQuizSocketHandler({
  ...socketOptions,
  ...(existsSync(WORDS_FILE) ? { loadWords: wordPackFromFile(WORDS_FILE) } : {}),
  ...(identityPoolId === undefined
    ? {}
    : {
        verifyToken: createJwtTokenVerifier({
          jwksUrl: `${COGNITO_IDENTITY}/.well-known/jwks_uri`,
          issuer: COGNITO_IDENTITY,
          audience: identityPoolId,
        }),
      }),
});
