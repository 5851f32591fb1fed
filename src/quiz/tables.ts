import type { TableDefinition } from '../core/table-definition.js';

/** Names of the quiz's three tables and the connections table's room index. */
export interface QuizTableNames {
  /** `connectionId` (S) key; GSI {@link QuizTableNames.byRoomIndex}; TTL `ttl`. Default `'quiz-connections'`. */
  connections: string;
  /** `roomId` (S) + `sk` (S) keys: one `room` item and one `score#<gameId>#<playerId>` item per player; TTL `ttl`. Default `'quiz-rooms'`. */
  rooms: string;
  /** `roomId` (S) + `sk` (S, `<13-digit ms>#<message id>`) keys; TTL `ttl`. Default `'quiz-chat'`. */
  chat: string;
  /** GSI of the connections table: `roomId` (S) + `connectedAt` (N). Default `'byRoom'`. */
  byRoomIndex: string;
}

/** The default table names. */
export const DEFAULT_QUIZ_TABLE_NAMES: Readonly<QuizTableNames> = Object.freeze({
  connections: 'quiz-connections',
  rooms: 'quiz-rooms',
  chat: 'quiz-chat',
  byRoomIndex: 'byRoom',
});

/**
 * The quiz's tables as `startLocalStack` declares them (keys, the `byRoom` index, TTL attributes) — for the
 * local stack and tests; the CDK/CloudFormation equivalent is in `docs/quiz.md`.
 *
 * @param names - Table names to use instead of the defaults.
 * @returns Three table definitions.
 * @example
 * ```ts
 * import { startLocalStack } from 'serverless-game-kit/local';
 * import { createQuizSocketHandler, quizTables } from 'serverless-game-kit/quiz/lambda';
 *
 * const stack = await startLocalStack({
 *   tables: quizTables(),
 *   functions: (env) => {
 *     const handler = createQuizSocketHandler({ managementEndpoint: env.endpoints.connections });
 *     return { websocket: { $connect: handler, $disconnect: handler, $default: handler } };
 *   },
 * });
 * ```
 */
export function quizTables(names: Partial<QuizTableNames> = {}): TableDefinition[] {
  const resolved = { ...DEFAULT_QUIZ_TABLE_NAMES, ...names };
  return [
    {
      name: resolved.connections,
      partitionKey: { name: 'connectionId', type: 'S' },
      globalSecondaryIndexes: [
        {
          name: resolved.byRoomIndex,
          partitionKey: { name: 'roomId', type: 'S' },
          sortKey: { name: 'connectedAt', type: 'N' },
          projection: ['playerId', 'name', 'ttl'],
        },
      ],
      ttlAttribute: 'ttl',
    },
    {
      name: resolved.rooms,
      partitionKey: { name: 'roomId', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      ttlAttribute: 'ttl',
    },
    {
      name: resolved.chat,
      partitionKey: { name: 'roomId', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      ttlAttribute: 'ttl',
    },
  ];
}
