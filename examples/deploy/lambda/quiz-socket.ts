/**
 * The quiz's WebSocket routes (`$connect`, `$disconnect`, `$default`). A player may join with `?token=<Cognito
 * OpenID token>` (from `POST /auth/kakao`): the player id is then their Cognito identity. Without a token the
 * player is a guest, unless the stack was deployed with `-c quizRequireToken=true`.
 */
import { createJwtTokenVerifier, createQuizSocketHandler } from 'serverless-game-kit/quiz/lambda';
import { requiredEnv } from './environment.js';

const COGNITO_IDENTITY = 'https://cognito-identity.amazonaws.com';

export const handler = createQuizSocketHandler({
  tables: {
    connections: requiredEnv('QUIZ_CONNECTIONS_TABLE'),
    rooms: requiredEnv('QUIZ_ROOMS_TABLE'),
    chat: requiredEnv('QUIZ_CHAT_TABLE'),
    byRoomIndex: requiredEnv('QUIZ_ROOM_INDEX'),
  },
  verifyToken: createJwtTokenVerifier({
    jwksUrl: `${COGNITO_IDENTITY}/.well-known/jwks_uri`,
    issuer: COGNITO_IDENTITY,
    audience: requiredEnv('IDENTITY_POOL_ID'),
  }),
  requireToken: requiredEnv('QUIZ_REQUIRE_TOKEN') === 'true',
});
