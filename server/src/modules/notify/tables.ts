/** Tables of the notify module, merged into the Database interface. */
export interface OutboxTable {
  id: string;
  channel: string;
  recipient: string;
  /** Unique per message and recipient: a retry or a second enqueue never makes a second row. */
  dedupe_key: string;
  subject: string | null;
  body: string;
  /** JSON: channel-specific extras (CAP id, warning id, segment count …). */
  payload: string;
  source_type: string | null;
  source_id: string | null;
  state: string;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface NotificationTable {
  id: string;
  user_id: string;
  title: string;
  body: string;
  link: string | null;
  source_type: string | null;
  source_id: string | null;
  created_at: string;
  read_at: string | null;
}

declare module "../../db/schema.js" {
  interface Database {
    outbox: OutboxTable;
    notifications: NotificationTable;
  }
}
