import { randomUUID } from "node:crypto";
import type pg from "pg";

/** A change other users should see live (SSE). Small on purpose: ids and a summary, not records. */
export interface DomainEvent {
  type: string;
  entityType: string;
  entityId: string;
  at: string;
  data?: Record<string, unknown>;
  /** Only these users receive it (e.g. a personal notification); absent = every signed-in user. */
  userIds?: string[];
}

type Listener = (event: DomainEvent) => void;

/** Sent to a user's streams when their session ends: the stream says so and closes. */
export const SESSION_ENDED = "session.ended";

/**
 * The event that ends a user's streams: one session (`sessionId`: logout), or every stream of the
 * user but the one of `exceptSessionId` (disable, password reset or change; token streams too).
 */
export function sessionEnded(
  userId: string,
  which: { sessionId?: string; exceptSessionId?: string },
): Omit<DomainEvent, "at"> {
  return { type: SESSION_ENDED, entityType: "user", entityId: userId, userIds: [userId], data: which };
}

/** Whether a session-ended event closes the stream of `sessionId` (undefined: a token's stream). */
export function endsStream(event: DomainEvent, userId: string, sessionId: string | undefined): boolean {
  if (event.type !== SESSION_ENDED || event.entityId !== userId) {
    return false;
  }
  const { sessionId: only, exceptSessionId } = (event.data ?? {}) as {
    sessionId?: string;
    exceptSessionId?: string;
  };
  if (only !== undefined) {
    return only === sessionId;
  }
  return sessionId === undefined || sessionId !== exceptSessionId;
}

const CHANNEL = "fenghuo_events";

/**
 * In-process fan-out of committed events to SSE connections. In PostgreSQL mode events also travel
 * through NOTIFY (sent inside the writing transaction, so delivered only on commit) to the other
 * instances, which hand them to their own listeners.
 */
export class EventHub {
  private listeners = new Set<Listener>();
  readonly instanceId = randomUUID();
  private listenClient: pg.Client | undefined;

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  /** Delivers to this instance's listeners; a failing listener never affects the others. */
  emitLocal(event: DomainEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a broken SSE connection is cleaned up by its own close handler
      }
    }
  }

  /** The NOTIFY payload for other instances; the origin id lets this instance skip its own echo. */
  notifyPayload(event: DomainEvent): string {
    return JSON.stringify({ origin: this.instanceId, event });
  }

  static readonly channel = CHANNEL;

  /** PostgreSQL only: listen for events committed by other instances. */
  async listen(client: pg.Client): Promise<void> {
    this.listenClient = client;
    await client.connect();
    client.on("notification", (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) {
        return;
      }
      const { origin, event } = JSON.parse(msg.payload) as { origin: string; event: DomainEvent };
      if (origin !== this.instanceId) {
        this.emitLocal(event);
      }
    });
    await client.query(`LISTEN ${CHANNEL}`);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.listenClient?.end();
    this.listenClient = undefined;
  }
}
