/**
 * The quiz's DynamoDB access (server side): connections, rooms with their per-player score items, and chat.
 * Every read is validated; every write that decides a race is conditional.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { RoomGame } from './game.js';
import { type ChatLine, chatLineSchema, roundAnswerSchema, roundSummarySchema } from './protocol.js';
import type { QuizTableNames } from './tables.js';

/** A connection as stored: who is connected to which room. */
export interface ConnectionRecord {
  connectionId: string;
  roomId: string;
  name: string;
  playerId: string;
  /** Epoch ms. */
  connectedAt: number;
  /** Epoch seconds. */
  ttl: number;
}

/** A player's score in a room's game. */
export interface ScoreRecord {
  playerId: string;
  name: string;
  score: number;
  answers: number;
}

/** A stored chat line with the round it was judged in. */
export interface ChatRecord extends ChatLine {
  round?: number;
}

/** Outcome of a conditional write: `stale` when someone else changed the room first. */
export type CommitResult = 'ok' | 'stale';

const ROOM_SK = 'room';
const SCORE_PREFIX = 'score#';
const TIMESTAMP_DIGITS = 13;

const connectionSchema = z.object({
  connectionId: z.string(),
  roomId: z.string(),
  name: z.string(),
  playerId: z.string(),
  connectedAt: z.number(),
  ttl: z.number(),
});

const roomItemSchema = z.object({
  roomId: z.string(),
  sk: z.literal(ROOM_SK),
  gameId: z.string(),
  seed: z.number(),
  version: z.number(),
  round: z.number(),
  pattern: z.string(),
  roundStartedAt: z.number(),
  answers: z.array(roundAnswerSchema),
  recentPatterns: z.array(z.string()),
  lastRound: z.optional(roundSummarySchema),
  createdAt: z.number(),
  ttl: z.number(),
});

const scoreItemSchema = z.object({
  gameId: z.string(),
  playerId: z.string(),
  name: z.string(),
  score: z.number(),
  answers: z.number(),
  ttl: z.number(),
});

const chatItemSchema = z.object({ ...chatLineSchema.shape, round: z.number().optional(), ttl: z.number() });

function isConditionFailure(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return (
    name === 'ConditionalCheckFailedException' ||
    name === 'TransactionCanceledException' ||
    name === 'TransactionConflictException'
  );
}

function toGame(item: z.infer<typeof roomItemSchema>): RoomGame {
  return {
    roomId: item.roomId,
    gameId: item.gameId,
    seed: item.seed,
    version: item.version,
    round: item.round,
    pattern: item.pattern,
    roundStartedAt: item.roundStartedAt,
    answers: item.answers,
    recentPatterns: item.recentPatterns,
    createdAt: item.createdAt,
    ...(item.lastRound ? { lastRound: item.lastRound } : {}),
  };
}

/**
 * The sort key of a chat line: the server time zero-padded to 13 digits, then the message id, so lines sort by
 * time and two lines of the same millisecond never overwrite each other.
 *
 * @example
 * ```ts
 * chatSortKey(1732233600000, 'Ab3=') // '1732233600000#Ab3='
 * ```
 */
export function chatSortKey(ts: number, id: string): string {
  return `${String(ts).padStart(TIMESTAMP_DIGITS, '0')}#${id}`;
}

/**
 * Data access of the socket handler. One instance per handler; stateless apart from its client and names.
 *
 * @example
 * ```ts
 * const store = new QuizStore(documents, DEFAULT_QUIZ_TABLE_NAMES);
 * const members = await store.listRoomConnections('lobby', nowSeconds);
 * ```
 */
export class QuizStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tables: QuizTableNames,
  ) {}

  /** The connection, or `undefined` when it is not stored (never joined, or removed). */
  async getConnection(connectionId: string): Promise<ConnectionRecord | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tables.connections, Key: { connectionId } }),
    );
    const parsed = connectionSchema.safeParse(Item);
    return parsed.success ? parsed.data : undefined;
  }

  /** Stores a new connection. */
  async putConnection(record: ConnectionRecord): Promise<void> {
    await this.documents.send(new PutCommand({ TableName: this.tables.connections, Item: { ...record } }));
  }

  /** Removes a connection; resolves with what was stored, if anything. */
  async deleteConnection(connectionId: string): Promise<ConnectionRecord | undefined> {
    const { Attributes } = await this.documents.send(
      new DeleteCommand({
        TableName: this.tables.connections,
        Key: { connectionId },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const parsed = connectionSchema.safeParse(Attributes);
    return parsed.success ? parsed.data : undefined;
  }

  /** Marks the connection as announced to the room; `true` only for the first call (a conditional write). */
  async markAnnounced(connectionId: string): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tables.connections,
          Key: { connectionId },
          UpdateExpression: 'SET announced = :yes',
          ConditionExpression: 'attribute_exists(connectionId) AND attribute_not_exists(announced)',
          ExpressionAttributeValues: { ':yes': true },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * The room's live connections, by a Query on the room index (never a Scan), oldest first; expired items
   * (TTL in the past, not yet deleted) are filtered out.
   */
  async listRoomConnections(roomId: string, nowSeconds: number): Promise<ConnectionRecord[]> {
    const items = await this.queryAll({
      TableName: this.tables.connections,
      IndexName: this.tables.byRoomIndex,
      KeyConditionExpression: 'roomId = :room',
      FilterExpression: '#ttl > :now',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':room': roomId, ':now': nowSeconds },
    });
    const connections: ConnectionRecord[] = [];
    for (const item of items) {
      const parsed = connectionSchema.safeParse(item);
      if (parsed.success) connections.push(parsed.data);
    }
    return connections;
  }

  /**
   * Makes sure the room exists and is live: extends a live room's TTL, or stores `create()` when there is no
   * room or it has expired. Two joins racing to create it are fine: the second one finds it live.
   */
  async ensureRoom(roomId: string, create: () => RoomGame, nowMs: number, ttl: number): Promise<void> {
    const nowSeconds = Math.floor(nowMs / 1000);
    if (await this.refreshRoomTtl(roomId, ttl, nowSeconds)) return;
    const game = create();
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tables.rooms,
          Item: this.roomItem(game, ttl),
          ConditionExpression: 'attribute_not_exists(roomId) OR #ttl <= :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      await this.refreshRoomTtl(roomId, ttl, nowSeconds);
    }
  }

  /** Extends a live room's TTL; `false` when there is no live room. */
  async refreshRoomTtl(roomId: string, ttl: number, nowSeconds: number): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tables.rooms,
          Key: { roomId, sk: ROOM_SK },
          UpdateExpression: 'SET #ttl = :ttl',
          ConditionExpression: 'attribute_exists(roomId) AND #ttl > :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':ttl': ttl, ':now': nowSeconds },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The room's game (strongly consistent), or `undefined` when missing or expired. */
  async getRoom(roomId: string, nowSeconds: number): Promise<RoomGame | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tables.rooms, Key: { roomId, sk: ROOM_SK }, ConsistentRead: true }),
    );
    const parsed = roomItemSchema.safeParse(Item);
    if (!parsed.success || parsed.data.ttl <= nowSeconds) return undefined;
    return toGame(parsed.data);
  }

  /** The room's game and the scores of its current game, in one strongly consistent Query of the room's items. */
  async getRoomWithScores(
    roomId: string,
    nowSeconds: number,
  ): Promise<{ game: RoomGame; scores: ScoreRecord[] } | undefined> {
    const items = await this.queryAll({
      TableName: this.tables.rooms,
      KeyConditionExpression: 'roomId = :room',
      ExpressionAttributeValues: { ':room': roomId },
      ConsistentRead: true,
    });
    let game: RoomGame | undefined;
    const scoreItems: Array<z.infer<typeof scoreItemSchema>> = [];
    for (const item of items) {
      if (item.sk === ROOM_SK) {
        const parsed = roomItemSchema.safeParse(item);
        if (parsed.success && parsed.data.ttl > nowSeconds) game = toGame(parsed.data);
      } else if (typeof item.sk === 'string' && item.sk.startsWith(SCORE_PREFIX)) {
        const parsed = scoreItemSchema.safeParse(item);
        if (parsed.success) scoreItems.push(parsed.data);
      }
    }
    if (!game) return undefined;
    const gameId = game.gameId;
    const scores = scoreItems
      .filter((item) => item.gameId === gameId)
      .map(({ playerId, name, score, answers }) => ({ playerId, name, score, answers }));
    return { game, scores };
  }

  /**
   * Writes the game after a correct answer and adds the points to the player's score, atomically, only if
   * the room is still at the version the answer was judged against. `stale` means another write won.
   */
  async commitAnswer(
    previous: RoomGame,
    next: RoomGame,
    score: { playerId: string; name: string; points: number },
    ttl: number,
  ): Promise<CommitResult> {
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tables.rooms,
                Item: this.roomItem(next, ttl),
                ConditionExpression: '#version = :version AND #round = :round AND gameId = :game',
                ExpressionAttributeNames: { '#version': 'version', '#round': 'round' },
                ExpressionAttributeValues: {
                  ':version': previous.version,
                  ':round': previous.round,
                  ':game': previous.gameId,
                },
              },
            },
            {
              Update: {
                TableName: this.tables.rooms,
                Key: { roomId: previous.roomId, sk: `${SCORE_PREFIX}${previous.gameId}#${score.playerId}` },
                UpdateExpression:
                  'SET #name = :name, playerId = :player, gameId = :game, #ttl = :ttl ADD score :points, answers :one',
                ExpressionAttributeNames: { '#name': 'name', '#ttl': 'ttl' },
                ExpressionAttributeValues: {
                  ':name': score.name,
                  ':player': score.playerId,
                  ':game': previous.gameId,
                  ':ttl': ttl,
                  ':points': score.points,
                  ':one': 1,
                },
              },
            },
          ],
        }),
      );
      return 'ok';
    } catch (error) {
      if (isConditionFailure(error)) return 'stale';
      throw error;
    }
  }

  /** Writes the game (a round that timed out) only if the room is still at `previous.version`. */
  async commitGame(previous: RoomGame, next: RoomGame, ttl: number): Promise<CommitResult> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tables.rooms,
          Item: this.roomItem(next, ttl),
          ConditionExpression: '#version = :version AND gameId = :game',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':version': previous.version, ':game': previous.gameId },
        }),
      );
      return 'ok';
    } catch (error) {
      if (isConditionFailure(error)) return 'stale';
      throw error;
    }
  }

  /** Stores a chat line under `(roomId, ts#id)`. */
  async putChat(roomId: string, line: ChatRecord, ttl: number): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tables.chat,
        Item: { roomId, sk: chatSortKey(line.ts, line.id), ...line, ttl },
      }),
    );
  }

  /** The room's last `limit` live chat lines, oldest first. */
  async recentChat(roomId: string, limit: number, nowSeconds: number): Promise<ChatRecord[]> {
    if (limit <= 0) return [];
    const { Items = [] } = await this.documents.send(
      new QueryCommand({
        TableName: this.tables.chat,
        KeyConditionExpression: 'roomId = :room',
        ExpressionAttributeValues: { ':room': roomId },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    const lines: ChatRecord[] = [];
    for (const item of Items) {
      const parsed = chatItemSchema.safeParse(item);
      if (!parsed.success || parsed.data.ttl <= nowSeconds) continue;
      const { ttl: _ttl, ...line } = parsed.data;
      lines.push(line);
    }
    return lines.reverse();
  }

  /** The room item of a game. */
  private roomItem(game: RoomGame, ttl: number): Record<string, unknown> {
    return {
      roomId: game.roomId,
      sk: ROOM_SK,
      gameId: game.gameId,
      seed: game.seed,
      version: game.version,
      round: game.round,
      pattern: game.pattern,
      roundStartedAt: game.roundStartedAt,
      answers: game.answers,
      recentPatterns: game.recentPatterns,
      ...(game.lastRound ? { lastRound: game.lastRound } : {}),
      createdAt: game.createdAt,
      ttl,
    };
  }

  private async queryAll(input: QueryCommandInput): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
