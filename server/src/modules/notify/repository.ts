import { sql } from "kysely";
import { Type } from "typebox";
import type { Db } from "../../db/index.js";
import { jsonColumn } from "../../db/json.js";
import type { NotificationTable, OutboxTable } from "./tables.js";

const payloadColumn = jsonColumn("outbox.payload", Type.Record(Type.String(), Type.Unknown()));

/** A message's channel-specific extras (CAP id, warning id, segment count …). */
export function payloadOf(msg: Pick<OutboxTable, "payload">): Record<string, unknown> {
  return payloadColumn.decode(msg.payload);
}

export type NewOutboxRow = Omit<OutboxTable, "payload"> & { payload: Record<string, unknown> };

/** Inserts messages, skipping dedupe keys already there; returns how many rows were new. */
export async function insertOutbox(trx: Db, rows: NewOutboxRow[]): Promise<number> {
  if (rows.length === 0) {
    return 0;
  }
  const result = await trx
    .insertInto("outbox")
    .values(rows.map((r) => ({ ...r, payload: payloadColumn.encode(r.payload) })))
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/**
 * Leases up to `batch` due messages of the channels: pending ones whose time has come, and those
 * whose sender's lease ran out. A conditional UPDATE (with SKIP LOCKED on PostgreSQL), so with
 * several instances each message is claimed by exactly one.
 */
export function claimDue(
  db: Db,
  dialect: "sqlite" | "postgres",
  o: { channels: string[]; now: string; leaseUntil: string; batch: number },
): Promise<OutboxTable[]> {
  const due = db
    .selectFrom("outbox")
    .select("id")
    .where("channel", "in", o.channels)
    .where((eb) =>
      eb.or([
        eb.and([eb("state", "=", "pending"), eb("next_attempt_at", "<=", o.now)]),
        eb.and([eb("state", "=", "sending"), eb("lease_until", "<", o.now)]),
      ]),
    )
    .orderBy("next_attempt_at")
    .limit(o.batch);
  return db
    .updateTable("outbox")
    .set({ state: "sending", lease_until: o.leaseUntil })
    .where("id", "in", dialect === "postgres" ? due.forUpdate().skipLocked() : due)
    .returningAll()
    .execute();
}

/** Marks messages sent (one UPDATE per 500). */
export async function markSent(trx: Db, ids: string[], at: string): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await trx
      .updateTable("outbox")
      .set((eb) => ({
        state: "sent",
        sent_at: at,
        attempts: eb("attempts", "+", 1),
        lease_until: null,
        last_error: null,
      }))
      .where("id", "in", ids.slice(i, i + 500))
      .execute();
  }
}

/** Records a failed attempt: back to pending at `nextAttemptAt`, or failed for good. */
export function markFailed(
  trx: Db,
  id: string,
  f: { state: "pending" | "failed"; attempts: number; nextAttemptAt: string; error: string },
) {
  return trx
    .updateTable("outbox")
    .set({
      state: f.state,
      attempts: f.attempts,
      next_attempt_at: f.nextAttemptAt,
      lease_until: null,
      last_error: f.error,
    })
    .where("id", "=", id)
    .execute();
}

/** Delivery counts per channel and state for one source (a warning, an incident). */
export async function deliverySummary(db: Db, sourceType: string, sourceId: string) {
  const rows = await db
    .selectFrom("outbox")
    .select(["channel", "state", sql<number>`count(*)`.as("n")])
    .where("source_type", "=", sourceType)
    .where("source_id", "=", sourceId)
    .groupBy(["channel", "state"])
    .execute();
  return rows.map((r) => ({ channel: r.channel, state: r.state, count: Number(r.n) }));
}

// In-app notifications

export async function insertNotifications(trx: Db, rows: NotificationTable[]): Promise<void> {
  if (rows.length > 0) {
    await trx.insertInto("notifications").values(rows).execute();
  }
}

/** A user's notifications, newest first, before the cursor (`limit + 1` rows, for paging). */
export function listNotifications(
  db: Db,
  f: { userId: string; unreadOnly: boolean; before?: string | undefined; limit: number },
): Promise<NotificationTable[]> {
  return db
    .selectFrom("notifications")
    .selectAll()
    .where("user_id", "=", f.userId)
    .$if(f.unreadOnly, (q) => q.where("read_at", "is", null))
    .$if(f.before !== undefined, (q) => q.where("created_at", "<", f.before ?? ""))
    .orderBy("created_at", "desc")
    .limit(f.limit + 1)
    .execute();
}

export async function countUnread(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks one of the user's notifications read; false when it was already read or is not theirs. */
export async function markNotificationRead(
  trx: Db,
  id: string,
  userId: string,
  at: string,
): Promise<boolean> {
  const result = await trx
    .updateTable("notifications")
    .set({ read_at: at })
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function notificationExists(db: Db, id: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom("notifications")
    .select("id")
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row !== undefined;
}
