/**
 * One {@link Broadcaster} per management endpoint (API Gateway stage), created on first use and kept for the
 * container's life, with the two ways the routes post: to the sender, and to a room's members.
 */
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { Broadcaster, encodeEvents } from '../broadcaster.js';
import type { ServerEvent } from '../protocol.js';
import type { ConnectionRecord } from '../room-store.js';
import type { QuizLogEntry } from '../socket-options.js';
import type { RequestContext } from './event.js';

/** How the pool reaches API Gateway and reports trouble. */
export interface BroadcasterPoolOptions {
  /** A fixed endpoint; default `https://${domainName}/${stage}` of each event. */
  managementEndpoint?: string;
  /** A management client, or a factory given the endpoint (called once per endpoint). */
  managementClient?: ApiGatewayManagementApiClient | ((endpoint: string) => ApiGatewayManagementApiClient);
  /** Posts in flight at once per broadcast. */
  concurrency: number;
  /** Called for each connection a post found gone (410). */
  onGone: (connectionId: string) => Promise<void>;
  log: (entry: QuizLogEntry) => void;
}

/**
 * Posts events to the sender of a message or to a room.
 *
 * @example
 * ```ts
 * const posts = new BroadcasterPool({ concurrency: 50, onGone: forget, log: console.log });
 * await posts.sendTo(context, { type: 'pong', serverTime: Date.now() });
 * ```
 */
export class BroadcasterPool {
  readonly #broadcasters = new Map<string, Broadcaster>();

  constructor(private readonly options: BroadcasterPoolOptions) {}

  /** The broadcaster of the event's stage. */
  for(context: RequestContext): Broadcaster {
    const endpoint =
      this.options.managementEndpoint ??
      `https://${context.domainName ?? 'localhost'}${context.stage ? `/${context.stage}` : ''}`;
    let broadcaster = this.#broadcasters.get(endpoint);
    if (!broadcaster) {
      const supplied = this.options.managementClient;
      const client =
        supplied === undefined
          ? new ApiGatewayManagementApiClient({ endpoint })
          : typeof supplied === 'function'
            ? supplied(endpoint)
            : supplied;
      broadcaster = new Broadcaster({
        client,
        concurrency: this.options.concurrency,
        onGone: this.options.onGone,
        onError: (error, connectionId) =>
          this.options.log({ level: 'warn', message: 'postToConnection failed', connectionId, error }),
      });
      this.#broadcasters.set(endpoint, broadcaster);
    }
    return broadcaster;
  }

  /** Posts events (one frame) to the connection of the event. */
  async sendTo(context: RequestContext, ...events: ServerEvent[]): Promise<void> {
    await this.for(context).send(context.connectionId, encodeEvents(events));
  }

  /** Posts events (one frame) to every member, but `except`. */
  async broadcast(
    context: RequestContext,
    members: readonly ConnectionRecord[],
    events: readonly ServerEvent[],
    except?: string,
  ): Promise<void> {
    const ids = members.map((member) => member.connectionId).filter((id) => id !== except);
    await this.for(context).broadcast(ids, encodeEvents(events));
  }
}
