/**
 * Sends events to connections through the API Gateway management API: one connection, or a room's members with
 * bounded concurrency. A connection that is gone (410 `GoneException`) is reported to `onGone` (the handler
 * deletes it) and the broadcast goes on.
 */
import {
  type ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import pLimit from 'p-limit';
import type { ServerEvent } from './protocol.js';

/** What happened to one post. */
export type PostOutcome = 'sent' | 'gone' | 'failed';

/** Totals of a broadcast. */
export interface BroadcastReport {
  sent: number;
  gone: number;
  failed: number;
}

/** How the broadcaster reaches connections and reports trouble. */
export interface BroadcasterOptions {
  client: ApiGatewayManagementApiClient;
  /** Posts in flight at once, per broadcast. */
  concurrency: number;
  /** Called once per gone connection (after its post); errors it throws are logged, not raised. */
  onGone: (connectionId: string) => Promise<void>;
  /** Called for posts that failed for another reason. */
  onError: (error: unknown, connectionId: string) => void;
}

const encoder = new TextEncoder();

/**
 * Serializes events once, for any number of posts, as one frame: a single event as a JSON object, several as a
 * JSON array in order (one `PostToConnection` per connection instead of one per event).
 *
 * @example
 * ```ts
 * const payload = encodeEvents([chatEvent, correctEvent, stateEvent]);
 * ```
 */
export function encodeEvents(events: readonly ServerEvent[]): Uint8Array {
  return encoder.encode(JSON.stringify(events.length === 1 ? events[0] : events));
}

function isGone(error: unknown): boolean {
  const candidate = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  return candidate?.name === 'GoneException' || candidate?.$metadata?.httpStatusCode === 410;
}

/**
 * Posts events to connections.
 *
 * @example
 * ```ts
 * const broadcaster = new Broadcaster({ client, concurrency: 50, onGone: (id) => store.deleteConnection(id).then(() => {}), onError: console.error });
 * await broadcaster.broadcast(['abc=', 'def='], encodeEvents([stateEvent]));
 * ```
 */
export class Broadcaster {
  constructor(private readonly options: BroadcasterOptions) {}

  /**
   * Posts one frame to one connection.
   *
   * @returns `'gone'` for a 410 (after `onGone`), `'failed'` for other errors (after `onError`).
   */
  async send(connectionId: string, data: Uint8Array): Promise<PostOutcome> {
    try {
      await this.options.client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
      return 'sent';
    } catch (error) {
      if (isGone(error)) {
        await this.options.onGone(connectionId).catch((cleanupError: unknown) => {
          this.options.onError(cleanupError, connectionId);
        });
        return 'gone';
      }
      this.options.onError(error, connectionId);
      return 'failed';
    }
  }

  /**
   * Closes a connection (`DeleteConnection`; API Gateway closes it with code 1000 and runs `$disconnect`). A
   * connection already gone counts as closed.
   *
   * @returns Whether the connection is closed now.
   */
  async disconnect(connectionId: string): Promise<boolean> {
    try {
      await this.options.client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
      return true;
    } catch (error) {
      if (isGone(error)) return true;
      this.options.onError(error, connectionId);
      return false;
    }
  }

  /** Posts one frame to every connection, at most `concurrency` posts in flight. Never rejects. */
  async broadcast(connectionIds: readonly string[], data: Uint8Array): Promise<BroadcastReport> {
    const report: BroadcastReport = { sent: 0, gone: 0, failed: 0 };
    if (connectionIds.length === 0) return report;
    const limit = pLimit(this.options.concurrency);
    await Promise.all(
      connectionIds.map((connectionId) =>
        limit(async () => {
          report[await this.send(connectionId, data)]++;
        }),
      ),
    );
    return report;
  }
}
