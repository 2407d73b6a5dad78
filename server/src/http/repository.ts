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

/** The holder of a claim: the instance and the lease it renews while its request runs. */
export interface ClaimHolder {
  principal: string;
  key: string;
  owner: string;
}

/**
 * Takes over a claim whose lease expired (its holder died): only if it is still exactly as read, so
 * of two retries racing for it one wins. Returns whether this instance now holds it.
 */
export async function takeOverIdempotencyKey(
  db: Db,
  expired: IdempotencyKeyTable,
  next: { owner: string; leaseUntil: string },
): Promise<boolean> {
  const res = await db
    .updateTable("idempotency_keys")
    .set({ owner: next.owner, lease_until: next.leaseUntil })
    .where("principal", "=", expired.principal)
    .where("key", "=", expired.key)
    .where("state", "=", "pending")
    .where((eb) =>
      eb.and([
        expired.owner === null ? eb("owner", "is", null) : eb("owner", "=", expired.owner),
        expired.lease_until === null
          ? eb("lease_until", "is", null)
          : eb("lease_until", "=", expired.lease_until),
      ]),
    )
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Extends the lease of a claim this instance still holds. */
export async function renewIdempotencyKey(db: Db, holder: ClaimHolder, leaseUntil: string): Promise<void> {
  await db
    .updateTable("idempotency_keys")
    .set({ lease_until: leaseUntil })
    .where("principal", "=", holder.principal)
    .where("key", "=", holder.key)
    .where("owner", "=", holder.owner)
    .where("state", "in", ["pending", "committed"])
    .execute();
}

/**
 * In the command's own transaction: marks the claim committed, so "committed but not recorded" is
 * never mistaken for "never ran". Returns false when this instance no longer holds the claim (its
 * lease expired and another took it over): the command must then roll back.
 */
export async function markIdempotencyKeyCommitted(trx: Db, holder: ClaimHolder): Promise<boolean> {
  const res = await trx
    .updateTable("idempotency_keys")
    .set({ state: "committed" })
    .where("principal", "=", holder.principal)
    .where("key", "=", holder.key)
    .where("owner", "=", holder.owner)
    .where("state", "in", ["pending", "committed"])
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * After a 5xx: a claim whose command never committed is freed so the client can retry; one whose
 * command did commit is kept (a retry must not run it twice) and its lease ended, so the retry is told.
 */
export async function releaseIdempotencyKey(db: Db, holder: ClaimHolder, now: string): Promise<void> {
  await db
    .deleteFrom("idempotency_keys")
    .where("principal", "=", holder.principal)
    .where("key", "=", holder.key)
    .where("owner", "=", holder.owner)
    .where("state", "=", "pending")
    .execute();
  await db
    .updateTable("idempotency_keys")
    .set({ lease_until: now })
    .where("principal", "=", holder.principal)
    .where("key", "=", holder.key)
    .where("owner", "=", holder.owner)
    .where("state", "=", "committed")
    .execute();
}

/** Stores the response that every repeat of the request replays (only by the claim's holder). */
export async function completeIdempotencyKey(
  db: Db,
  holder: ClaimHolder,
  response: { status: number; body: string | null },
): Promise<void> {
  await db
    .updateTable("idempotency_keys")
    .set({ state: "done", status: response.status, body: response.body })
    .where("principal", "=", holder.principal)
    .where("key", "=", holder.key)
    .where("owner", "=", holder.owner)
    .execute();
}

/** PostgreSQL NOTIFY inside the transaction: other instances hear it only if the transaction commits. */
export async function notifyChannel(trx: Db, channel: string, payload: string): Promise<void> {
  await sql`select pg_notify(${channel}, ${payload})`.execute(trx);
}
