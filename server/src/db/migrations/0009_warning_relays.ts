import type { Kysely } from "kysely";

/**
 * The upstream CAP messages a relayed warning came from or was updated/cancelled by, one row per
 * (sender, identifier) — the CAP key of a message (CAP 1.2 §3.2.1 identifier is unique per sender).
 * Duplicates and `references` are exact lookups here instead of a text search of the JSON `source`.
 * Existing relay drafts are backfilled from their `source`.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against an untyped schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("warning_relays")
    .addColumn("sender", "varchar(255)", (c) => c.notNull())
    .addColumn("identifier", "varchar(255)", (c) => c.notNull())
    .addColumn("warning_id", "varchar(36)", (c) => c.notNull())
    .addColumn("msg_type", "varchar(16)", (c) => c.notNull())
    .addColumn("sent", "varchar(40)", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addUniqueConstraint("warning_relays_key", ["sender", "identifier"])
    .execute();
  await db.schema.createIndex("warning_relays_warning").on("warning_relays").column("warning_id").execute();
  const relayed = await db
    .selectFrom("warnings")
    .select(["id", "source", "created_at"])
    .where("origin", "=", "relayed")
    .where("source", "is not", null)
    .orderBy("created_at")
    .execute();
  const seen = new Set<string>();
  for (const w of relayed as { id: string; source: string; created_at: string }[]) {
    let source: { sender?: unknown; identifier?: unknown; msgType?: unknown; sent?: unknown };
    try {
      source = JSON.parse(w.source) as typeof source;
    } catch {
      continue;
    }
    if (typeof source.sender !== "string" || typeof source.identifier !== "string") {
      continue;
    }
    const key = JSON.stringify([source.sender, source.identifier]);
    if (seen.has(key)) {
      continue; // the first import keeps the key, as the duplicate check did
    }
    seen.add(key);
    await db
      .insertInto("warning_relays")
      .values({
        sender: source.sender,
        identifier: source.identifier,
        warning_id: w.id,
        msg_type: typeof source.msgType === "string" ? source.msgType : "Alert",
        sent: typeof source.sent === "string" ? source.sent : w.created_at,
        created_at: w.created_at,
      })
      .execute();
  }
}
