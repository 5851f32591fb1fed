/**
 * The benchmark's baseline — never shipped: the first design a serverless chat quiz usually gets, one global game
 * and a Scan of every connection for each broadcast. Per chat message:
 * 1. put the line into `Chat` (keyed by timestamp), read the one global `Game` row;
 * 2. on the right word (`word[idx] === content`, one answer per pattern): read-modify-write the sender's
 *    `answerCnt` and overwrite the `Game` row — no condition, so simultaneous winners all "win";
 * 3. **Scan the whole `User` table** and `postToConnection` the chat line to every connection found, all at
 *    once (`Promise.all`, no bound, 410s ignored and never cleaned up);
 * 4. **Scan it again** and post the game data to every connection the same way.
 * The only liberty taken: the game data is sent as `{ type: 'state', round, pattern }` so the benchmark's
 * clients can read both designs' frames alike.
 */
import {
  type ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { getChoseong } from '../../src/hangul/index.js';

/** Table names of the baseline. */
export interface ScanAllTables {
  /** `connectionId` key; `answerCnt`. */
  users: string;
  /** `id` key; `nowWordIdx`, `nowConsonant`, `answeredWords`. */
  game: string;
  /** `timestamp` key (ISO string): two lines of the same millisecond overwrite each other. */
  chat: string;
}

/** The game row's id: this design has one global game. */
export const SCAN_ALL_GAME_ID = 'game-1';

/** The word of round `round` (1-based): this design walks a fixed list. */
export function scanAllWord(words: readonly string[], round: number): string {
  return words[(round - 1) % words.length]!;
}

type ScanAllEvent = {
  requestContext: { connectionId: string; eventType?: string };
  body?: string;
};

/**
 * The scan-all design's single handler for `$connect`, `$disconnect` and `$default`.
 *
 * @example
 * ```ts
 * const handler = createScanAllDesignHandler({ documents, tables, management, words });
 * ```
 */
export function createScanAllDesignHandler(options: {
  documents: DynamoDBDocumentClient;
  tables: ScanAllTables;
  management: ApiGatewayManagementApiClient;
  words: readonly string[];
}): (event: ScanAllEvent) => Promise<{ statusCode: number }> {
  const { documents, tables, management, words } = options;

  const scanConnectionIds = async (): Promise<string[]> => {
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new ScanCommand({
          TableName: tables.users,
          ProjectionExpression: 'connectionId',
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) ids.push(item.connectionId as string);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return ids;
  };

  const broadcast = async (data: string): Promise<void> => {
    const ids = await scanConnectionIds();
    await Promise.all(
      ids.map((id) =>
        management.send(new PostToConnectionCommand({ ConnectionId: id, Data: data })).catch(() => undefined),
      ),
    );
  };

  return async (event) => {
    const connectionId = event.requestContext.connectionId;
    const eventType = event.requestContext.eventType;
    if (eventType === 'CONNECT') {
      await documents.send(new PutCommand({ TableName: tables.users, Item: { connectionId, answerCnt: 0 } }));
      await documents
        .send(
          new PutCommand({
            TableName: tables.game,
            Item: { id: SCAN_ALL_GAME_ID, nowWordIdx: 0, nowConsonant: getChoseong(scanAllWord(words, 1)) },
            ConditionExpression: 'attribute_not_exists(id)',
          }),
        )
        .catch(() => undefined);
      return { statusCode: 200 };
    }
    if (eventType === 'DISCONNECT') {
      return { statusCode: 200 };
    }

    const payload = JSON.parse(event.body ?? '{}') as { username?: string; content?: string };
    await documents.send(
      new PutCommand({
        TableName: tables.chat,
        Item: { timestamp: new Date().toISOString(), room: 'general', ...payload },
      }),
    );
    const { Item: game } = await documents.send(
      new GetCommand({ TableName: tables.game, Key: { id: SCAN_ALL_GAME_ID } }),
    );
    let index = (game?.nowWordIdx as number | undefined) ?? 0;
    if (payload.content === scanAllWord(words, index + 1)) {
      const { Item: user } = await documents.send(
        new GetCommand({ TableName: tables.users, Key: { connectionId } }),
      );
      await documents.send(
        new PutCommand({
          TableName: tables.users,
          Item: { connectionId, answerCnt: ((user?.answerCnt as number | undefined) ?? 0) + 1 },
        }),
      );
      index++;
      await documents.send(
        new PutCommand({
          TableName: tables.game,
          Item: {
            id: SCAN_ALL_GAME_ID,
            nowWordIdx: index,
            nowConsonant: getChoseong(scanAllWord(words, index + 1)),
          },
        }),
      );
    }
    await broadcast(JSON.stringify({ type: 'chat', ...payload }));
    await broadcast(
      JSON.stringify({
        type: 'state',
        round: index + 1,
        pattern: getChoseong(scanAllWord(words, index + 1)),
      }),
    );
    return { statusCode: 200 };
  };
}
