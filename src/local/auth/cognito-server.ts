import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { PublicJwkSet } from '../../core/jwk.js';
import * as z from 'zod';
import { LOCAL_REGION } from '../client-config.js';
import { LocalServiceError } from '../errors.js';
import { createCognitoTokenSigner } from './cognito-tokens.js';
import { closeServer, listenLocal, readRequestBody } from './http-server.js';
import {
  type IssuedCredentials,
  type LocalSigV4Authorizer,
  createLocalIamAuthorizer,
} from './iam-authorizer.js';

/** Options of {@link startLocalCognito}. */
export interface LocalCognitoOptions {
  /** Region of the endpoint; default the local stack's region. Identity ids take their pool's region. */
  region?: string;
  /** Port on 127.0.0.1; default: a free one. */
  port?: number;
  /** Token lifetime when a request names none; default 900 s, as Cognito. */
  tokenDurationSeconds?: number;
  /** Lifetime of issued AWS credentials; default 3600 s. Tests shorten it. */
  credentialsDurationSeconds?: number;
  /**
   * The pools that exist, each with its developer provider name. Default: every well-formed pool id exists and
   * accepts any one developer provider.
   */
  identityPools?: Array<{ identityPoolId: string; developerProviderName?: string }>;
  /** Account id reported to IAM-authorized routes; default `'000000000000'`. */
  accountId?: string;
  /** One line per request (never a token or key); default: silent. */
  log?: (line: string) => void;
  /** Epoch milliseconds; default `Date.now`. Used for token and credential expiry. */
  clock?: () => number;
}

/** A running local Cognito Identity endpoint, see {@link startLocalCognito}. */
export interface LocalCognito {
  /** `http://127.0.0.1:<port>/`, for `CognitoIdentityClient({ endpoint })` and `KakaoCognitoAuth({ cognitoEndpoint })`. */
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  /** The public key of the tokens (also served at `GET /.well-known/jwks_uri`). */
  readonly jwks: PublicJwkSet;
  /** Operations answered so far, by name. */
  readonly requestCounts: Readonly<Record<string, number>>;
  /**
   * The IAM authorizer for `startLocalStack({ http: { authorizer } })`: resolves SigV4-signed requests made with
   * credentials this server issued to the caller's Cognito identity.
   */
  readonly authorizer: LocalSigV4Authorizer;
  /** The identity id a developer login maps to (the same for the same pool, provider and user id). */
  identityIdFor(identityPoolId: string, providerName: string, userId: string): string;
  /** The credentials an access key id stands for, if this server issued them. */
  lookupCredentials(accessKeyId: string): IssuedCredentials | undefined;
  /** Closes the server and every open connection. Safe to call twice. */
  stop(): Promise<void>;
}

/** An error answer in the service's JSON protocol. */
class CognitoFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const COGNITO_PROVIDER = 'cognito-identity.amazonaws.com';
const ID_PATTERN = /^[\w-]+:[0-9a-f-]+$/;
const TARGET_PREFIX = 'AWSCognitoIdentityService.';
const MAX_BODY_BYTES = 64 * 1024;

const openIdTokenInput = z.object({
  IdentityPoolId: z.string().max(55).regex(ID_PATTERN),
  IdentityId: z.string().max(55).regex(ID_PATTERN).optional(),
  Logins: z.record(z.string().min(1).max(128), z.string().min(1).max(50_000)),
  TokenDuration: z.number().int().min(1).max(86_400).optional(),
});

const credentialsInput = z.object({
  IdentityId: z.string().max(55).regex(ID_PATTERN),
  Logins: z.record(z.string(), z.string()).optional(),
  CustomRoleArn: z.string().optional(),
});

/**
 * Starts a stand-in for Amazon Cognito Identity on 127.0.0.1 that speaks the service's JSON protocol
 * (`POST /`, `X-Amz-Target: AWSCognitoIdentityService.<Operation>`), so the real `CognitoIdentityClient` and
 * `KakaoCognitoAuth` work against it unchanged. Two operations:
 * - `GetOpenIdTokenForDeveloperIdentity` (developer credentials are not checked): maps the one developer login
 *   to a stable identity id `<region>:<uuid>` and answers an RS256 OpenID token (`iss`
 *   `https://cognito-identity.amazonaws.com`, `aud` pool id, `sub` identity id, `amr`) signed with a local key;
 * - `GetCredentialsForIdentity` (unsigned): verifies that token and answers temporary credentials, which the
 *   server remembers so {@link LocalCognito.authorizer} can resolve signed requests to the identity.
 * Errors are HTTP 400 with `x-amzn-ErrorType` and `{"__type", "message"}`, so the SDK throws
 * `NotAuthorizedException`, `ResourceNotFoundException`, `InvalidParameterException` as the service does.
 *
 * @throws {LocalServiceError} when the port cannot be bound or an option is invalid.
 * @example
 * ```ts
 * import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
 * import { localClientConfig, startLocalCognito } from 'serverless-game-kit/local';
 *
 * const cognito = await startLocalCognito();
 * const client = new CognitoIdentityClient(localClientConfig(cognito.endpoint));
 * await cognito.stop();
 * ```
 */
export async function startLocalCognito(options: LocalCognitoOptions = {}): Promise<LocalCognito> {
  const region = options.region ?? LOCAL_REGION;
  const clock = options.clock ?? Date.now;
  const log = options.log ?? (() => undefined);
  const defaultTokenSeconds = options.tokenDurationSeconds ?? 900;
  const credentialsSeconds = options.credentialsDurationSeconds ?? 3600;
  for (const [name, value, max] of [
    ['tokenDurationSeconds', defaultTokenSeconds, 86_400],
    ['credentialsDurationSeconds', credentialsSeconds, 43_200],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw new LocalServiceError(
        'INVALID_OPTIONS',
        `${name} must be a whole number of seconds from 1 to ${max}.`,
      );
    }
  }
  const pools = options.identityPools
    ? new Map(options.identityPools.map((pool) => [pool.identityPoolId, pool.developerProviderName]))
    : undefined;

  const signer = await createCognitoTokenSigner({ clock });
  /** identity id → how it logged in. */
  const identities = new Map<string, { identityPoolId: string; providerName: string; userId: string }>();
  /** access key id → credentials. */
  const credentials = new Map<string, IssuedCredentials>();
  const requestCounts: Record<string, number> = {};
  let issuedSinceSweep = 0;

  const identityIdFor = (identityPoolId: string, providerName: string, userId: string): string => {
    const poolRegion = identityPoolId.split(':')[0] ?? region;
    return `${poolRegion}:${stableUuid(`${identityPoolId}\n${providerName}\n${userId}`)}`;
  };

  const operations: Record<string, (input: unknown) => Promise<unknown>> = {
    async GetOpenIdTokenForDeveloperIdentity(input) {
      const parsed = openIdTokenInput.safeParse(input);
      if (!parsed.success) throw invalidParameter(parsed.error);
      const { IdentityPoolId: poolId, Logins: logins, TokenDuration: ttl } = parsed.data;
      if (pools && !pools.has(poolId)) {
        throw new CognitoFault('ResourceNotFoundException', `IdentityPool '${poolId}' not found.`);
      }
      const entries = Object.entries(logins);
      const [login] = entries;
      if (!login || entries.length !== 1) {
        throw new CognitoFault(
          'InvalidParameterException',
          'The local Cognito takes exactly one developer provider login.',
        );
      }
      const [providerName, userId] = login;
      const expectedProvider = pools?.get(poolId);
      if (
        providerName === COGNITO_PROVIDER ||
        (expectedProvider !== undefined && providerName !== expectedProvider)
      ) {
        throw new CognitoFault('NotAuthorizedException', `Invalid developer provider name: ${providerName}.`);
      }
      const identityId = identityIdFor(poolId, providerName, userId);
      if (parsed.data.IdentityId !== undefined && parsed.data.IdentityId !== identityId) {
        throw new CognitoFault(
          'InvalidParameterException',
          'The local Cognito does not link a login to another identity.',
        );
      }
      identities.set(identityId, { identityPoolId: poolId, providerName, userId });
      const token = await signer.sign(
        { identityId, identityPoolId: poolId, amr: amrOf(providerName, poolId, userId) },
        ttl ?? defaultTokenSeconds,
      );
      return { IdentityId: identityId, Token: token };
    },

    async GetCredentialsForIdentity(input) {
      const parsed = credentialsInput.safeParse(input);
      if (!parsed.success) throw invalidParameter(parsed.error);
      const { IdentityId: identityId, Logins: logins } = parsed.data;
      const identity = identities.get(identityId);
      if (!identity)
        throw new CognitoFault('ResourceNotFoundException', `Identity '${identityId}' not found.`);
      const token = logins?.[COGNITO_PROVIDER];
      if (!logins || Object.keys(logins).length === 0) {
        throw new CognitoFault(
          'NotAuthorizedException',
          'Unauthenticated access is not supported for this identity pool.',
        );
      }
      if (token === undefined || Object.keys(logins).length !== 1) {
        throw new CognitoFault(
          'NotAuthorizedException',
          `Invalid login token. Only ${COGNITO_PROVIDER} tokens are accepted locally.`,
        );
      }
      let claims;
      try {
        claims = await signer.verify(token);
      } catch (error) {
        const reason =
          (error as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'Token expired.' : 'Invalid token.';
        throw new CognitoFault('NotAuthorizedException', `Invalid login token. ${reason}`);
      }
      if (claims.sub !== identityId || claims.aud !== identity.identityPoolId) {
        throw new CognitoFault(
          'NotAuthorizedException',
          'Invalid login token. The token is for another identity.',
        );
      }
      const issued = issueCredentials(identityId, identity);
      return {
        IdentityId: identityId,
        Credentials: {
          AccessKeyId: issued.accessKeyId,
          SecretKey: issued.secretAccessKey,
          SessionToken: issued.sessionToken,
          Expiration: Math.floor(issued.expiresAt / 1000),
        },
      };
    },
  };

  const issueCredentials = (
    identityId: string,
    identity: { identityPoolId: string; providerName: string; userId: string },
  ): IssuedCredentials => {
    const now = clock();
    if (++issuedSinceSweep >= 1000) {
      issuedSinceSweep = 0;
      for (const [key, value] of credentials) if (value.expiresAt <= now) credentials.delete(key);
    }
    const issued: IssuedCredentials = {
      accessKeyId: `ASIA${randomBytes(10).toString('hex').toUpperCase().slice(0, 16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
      expiresAt: now + credentialsSeconds * 1000,
      identityId,
      ...identity,
    };
    credentials.set(issued.accessKeyId, issued);
    return issued;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'x-amzn-requestid, x-amzn-errortype, x-amz-apigw-id, date',
    };
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      response.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': requestId,
        ...cors,
        ...headers,
      });
      response.end(JSON.stringify(body));
    };
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'OPTIONS') {
      response.writeHead(200, {
        ...cors,
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers':
          request.headers['access-control-request-headers'] ??
          'content-type, x-amz-target, x-amz-user-agent, x-amz-date, x-amz-security-token, authorization',
        'access-control-max-age': '600',
      });
      response.end();
      return;
    }
    if (request.method === 'GET' && path === '/.well-known/jwks_uri') {
      response.writeHead(200, { 'content-type': 'application/json', ...cors });
      response.end(JSON.stringify(signer.jwks));
      return;
    }
    const target = request.headers['x-amz-target'];
    const operationName =
      typeof target === 'string' && target.startsWith(TARGET_PREFIX)
        ? target.slice(TARGET_PREFIX.length)
        : '';
    try {
      if (request.method !== 'POST' || path !== '/') {
        throw new CognitoFault('UnknownOperationException', 'POST / with an X-Amz-Target header.', 404);
      }
      const operation = operations[operationName];
      if (!operation)
        throw new CognitoFault('UnknownOperationException', `Unknown operation ${String(target)}.`);
      const text = await readRequestBody(request, MAX_BODY_BYTES);
      if (text === undefined)
        throw new CognitoFault('SerializationException', 'The request body is too large.');
      let input: unknown;
      try {
        input = text === '' ? {} : (JSON.parse(text) as unknown);
      } catch {
        throw new CognitoFault('SerializationException', 'The request body is not JSON.');
      }
      const output = await operation(input);
      requestCounts[operationName] = (requestCounts[operationName] ?? 0) + 1;
      log(`cognito ${operationName} 200`);
      send(200, output);
    } catch (error) {
      const fault =
        error instanceof CognitoFault
          ? error
          : new CognitoFault('InternalErrorException', 'Internal error.', 500);
      if (!(error instanceof CognitoFault)) log(`cognito ${operationName} failed: ${String(error)}`);
      log(`cognito ${operationName || '-'} ${fault.status} ${fault.type}`);
      send(fault.status, { __type: fault.type, message: fault.message }, { 'x-amzn-errortype': fault.type });
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log(`cognito request failed: ${String(error)}`);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  server.keepAliveTimeout = 1000;
  const port = await listenLocal(server, options.port ?? 0, 'The local Cognito Identity server');
  const endpoint = `http://127.0.0.1:${port}/`;
  log(`cognito listening on ${endpoint}`);

  const lookupCredentials = (accessKeyId: string): IssuedCredentials | undefined =>
    credentials.get(accessKeyId);
  let stopped = false;
  return {
    endpoint,
    port,
    region,
    jwks: signer.jwks,
    requestCounts,
    authorizer: createLocalIamAuthorizer({
      lookup: lookupCredentials,
      ...(options.accountId === undefined ? {} : { accountId: options.accountId }),
      clock,
      log,
    }),
    identityIdFor,
    lookupCredentials,
    async stop() {
      if (stopped) return;
      stopped = true;
      await closeServer(server);
    },
  };
}

function amrOf(providerName: string, identityPoolId: string, userId: string): string[] {
  return ['authenticated', providerName, `${providerName}:${identityPoolId}:${userId}`];
}

function invalidParameter(error: z.ZodError): CognitoFault {
  const issue = error.issues[0];
  const where = issue?.path.join('.') || 'input';
  return new CognitoFault(
    'InvalidParameterException',
    `1 validation error detected: Value at '${where}' failed to satisfy constraint: ${issue?.message ?? 'invalid'}`,
  );
}

/** A UUID (version 5 layout) derived from `name`, so identity ids survive restarts of the local stack. */
function stableUuid(name: string): string {
  const bytes = createHash('sha256')
    .update(`serverless-game-kit/local-cognito\n${name}`)
    .digest()
    .subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
