/** SQL of the request pipeline itself: idempotency keys and the NOTIFY that carries live events. */
import { sql } from "kysely";
import type { Db } from "../db/index.js";
import type { IdempotencyKeyTable } from "../db/schema.js";

export function findIdempotencyKey(db: Db, principal: string, key: string) {
  return db
    .selectFrom("idempotency_keys")
    .selectAll()
    .where("principal", "=", principal)
    .where("key", "=", key)
    .executeTakeFirst();
}

/** Claims a key; throws when another request holds it already (the primary key). */
export async function claimIdempotencyKey(db: Db, row: IdempotencyKeyTable): Promise<void> {
  await db.insertInto("idempotency_keys").values(row).execute();
}

/** Frees a key so the client can retry (its attempt failed with a 5xx). */
export async function releaseIdempotencyKey(db: Db, principal: string, key: string): Promise<void> {
  await db.deleteFrom("idempotency_keys").where("principal", "=", principal).where("key", "=", key).execute();
}

/** Stores the response that every repeat of the request replays. */
export async function completeIdempotencyKey(
  db: Db,
  principal: string,
  key: string,
  response: { status: number; body: string | null },
): Promise<void> {
  await db
    .updateTable("idempotency_keys")
    .set({ state: "done", status: response.status, body: response.body })
    .where("principal", "=", principal)
    .where("key", "=", key)
    .execute();
}

/** PostgreSQL NOTIFY inside the transaction: other instances hear it only if the transaction commits. */
export async function notifyChannel(trx: Db, channel: string, payload: string): Promise<void> {
  await sql`select pg_notify(${channel}, ${payload})`.execute(trx);
}
