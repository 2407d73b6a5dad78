import type { Kysely } from "kysely";

/**
 * Issue 14 §3: a claimed Idempotency-Key names the instance that holds it and until when (a lease the
 * request renews while it runs), so a claim left by a killed process expires instead of answering 409
 * for ever. Rows claimed before this migration have no lease: they count as expired.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against an untyped schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("idempotency_keys").addColumn("owner", "varchar(36)").execute();
  await db.schema.alterTable("idempotency_keys").addColumn("lease_until", "varchar(32)").execute();
}
