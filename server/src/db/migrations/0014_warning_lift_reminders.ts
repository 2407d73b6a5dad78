import type { Kysely } from "kysely";

/**
 * The version of a published warning whose lift reminder was sent (000 §3.3.1 第5项: 危险已经解除时
 * …立即宣布解除): the sweep claims a reminder by setting it, so each version is reminded once, by one
 * instance; an adjustment (a new version, perhaps a new end) is reminded again.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against an untyped schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("warnings").addColumn("lift_reminded_version", "integer").execute();
}
