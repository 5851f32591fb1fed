export { GameKitError, isGameKitError } from '../core/errors.js';
export { LOCAL_CREDENTIALS, LOCAL_REGION, localClientConfig } from './client-config.js';
export type { LocalClientConfig } from './client-config.js';
export { createLocalAwsClients } from './clients.js';
export type { LocalAwsClients, LocalEndpoints } from './clients.js';
export type { PublicJwk, PublicJwkSet } from '../core/jwk.js';
export { findDynamoDbLocalJar, startDynamoDbLocal } from './dynamodb-local.js';
export type { DynamoDbLocal, DynamoDbLocalOptions } from './dynamodb-local.js';
export { LocalServiceError } from './errors.js';
export type { LocalServiceErrorCode } from './errors.js';
export { getFreePort } from './free-port.js';
export {
  DEFAULT_LOCAL_PORT,
  LOCAL_PORT_OFFSETS,
  assertLocalPortsFree,
  localPorts,
  withLocalPorts,
} from './ports.js';
export type { LocalPortService } from './ports.js';
export { findJava } from './java.js';
export type { JavaRuntime } from './java.js';
export { startS3Local } from './s3-local.js';
export type { S3Local, S3LocalOptions } from './s3-local.js';
export { startLocalStack } from './stack/start-local-stack.js';
export type { LocalStack } from './stack/start-local-stack.js';
export { startHttpGateway } from './stack/http-gateway.js';
export type { HttpGateway, HttpGatewayOptions } from './stack/http-gateway.js';
export { startWebSocketGateway } from './stack/websocket-gateway.js';
export type {
  WebSocketConnectEvent,
  WebSocketDisconnectEvent,
  WebSocketGateway,
  WebSocketGatewayOptions,
  WebSocketMessageEvent,
} from './stack/websocket-gateway.js';
export { startStreamSource } from './stack/stream-source.js';
export type { StreamSource, StreamSourceOptions } from './stack/stream-source.js';
export { createLocalTable } from './stack/tables.js';
export { createLambdaContext, invokeFunction, resolveFunction } from './stack/invoke.js';
export type { InvocationOutcome, ResolvedFunction } from './stack/invoke.js';
export type * from './stack/types.js';
export { defaultLocalStackConfig } from './default-config.js';
export { loadLocalStackConfig } from './stack/load-config.js';
export * from './auth/index.js';
export { LOCAL_GAME, gameClientConfig, gameStackConfig } from './game-stack.js';
export type { GameClientConfig, GameStackOptions } from './game-stack.js';
