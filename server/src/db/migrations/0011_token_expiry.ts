import type { Kysely } from "kysely";

const DAY = 24 * 3600_000;

/**
 * API tokens get an end (issue 14: they used to live for ever). Existing tokens end 90 days after
 * they were made — the default longest lifetime — so an old forgotten token stops working.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against an untyped schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("api_tokens").addColumn("expires_at", "varchar(32)").execute();
  const tokens = (await db.selectFrom("api_tokens").select(["id", "created_at"]).execute()) as {
    id: string;
    created_at: string;
  }[];
  for (const t of tokens) {
    const expiresAt = new Date(new Date(t.created_at).getTime() + 90 * DAY).toISOString();
    await db.updateTable("api_tokens").set({ expires_at: expiresAt }).where("id", "=", t.id).execute();
  }
}
