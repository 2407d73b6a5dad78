import { type Kysely, SqliteAdapter, sql } from "kysely";

/**
 * Warnings (issue 5): the warning aggregate, its CAP messages (one per published version), history,
 * tasks (measures, door-to-door, cross-area, filing), public subscribers with a spatial index, and
 * dissemination jobs that expand a publication into outbox rows.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against an untyped schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("warnings")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("origin", "varchar(16)", (c) => c.notNull())
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("colour", "varchar(16)", (c) => c.notNull())
    .addColumn("subtype_id", "varchar(64)")
    .addColumn("issuing_unit_id", "varchar(64)", (c) => c.notNull())
    .addColumn("drafter_id", "varchar(36)")
    .addColumn("drafter_name", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("area", "text", (c) => c.notNull())
    .addColumn("onset_at", "varchar(32)")
    .addColumn("expires_at", "varchar(32)")
    .addColumn("affects_other_areas", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("affected_areas", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("public_state", "varchar(16)", (c) => c.notNull().defaultTo("none"))
    .addColumn("channels", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("authorised_unit_ids", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("approved_by_id", "varchar(36)")
    .addColumn("approved_by_name", "text")
    .addColumn("approved_at", "varchar(32)")
    .addColumn("published_at", "varchar(32)")
    .addColumn("released_at", "varchar(32)")
    .addColumn("ended_at", "varchar(32)")
    .addColumn("pending_kind", "varchar(16)")
    .addColumn("pending_state", "varchar(16)")
    .addColumn("pending_content", "text")
    .addColumn("pending_by_id", "varchar(36)")
    .addColumn("pending_by_name", "text")
    .addColumn("pending_at", "varchar(32)")
    .addColumn("pending_approved_by_id", "varchar(36)")
    .addColumn("pending_approved_by_name", "text")
    .addColumn("rejected_reason", "text")
    .addColumn("response", "text")
    .addColumn("source", "text")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("warnings_status").on("warnings").columns(["status", "updated_at"]).execute();
  await db.schema.createIndex("warnings_expiry").on("warnings").columns(["status", "expires_at"]).execute();
  await db.schema.createIndex("warnings_public").on("warnings").columns(["public_state", "status"]).execute();

  await db.schema
    .createTable("warning_messages")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("warning_id", "varchar(36)", (c) => c.notNull().references("warnings.id"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("identifier", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("sender", "varchar(128)", (c) => c.notNull())
    .addColumn("msg_type", "varchar(8)", (c) => c.notNull())
    .addColumn("scope", "varchar(16)", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("colour", "varchar(16)", (c) => c.notNull())
    .addColumn("sent_at", "varchar(32)", (c) => c.notNull())
    .addColumn("snapshot", "text", (c) => c.notNull())
    .addColumn("xml", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("warning_messages_warning")
    .on("warning_messages")
    .columns(["warning_id", "seq"])
    .unique()
    .execute();

  await db.schema
    .createTable("warning_history")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("warning_id", "varchar(36)", (c) => c.notNull().references("warnings.id"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("at", "varchar(32)", (c) => c.notNull())
    .addColumn("action", "varchar(32)", (c) => c.notNull())
    .addColumn("actor_id", "varchar(36)")
    .addColumn("actor_name", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("detail", "text", (c) => c.notNull().defaultTo("{}"))
    .execute();
  await db.schema
    .createIndex("warning_history_warning")
    .on("warning_history")
    .columns(["warning_id", "seq"])
    .unique()
    .execute();

  await db.schema
    .createTable("warning_tasks")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("warning_id", "varchar(36)", (c) => c.notNull().references("warnings.id"))
    .addColumn("kind", "varchar(16)", (c) => c.notNull())
    .addColumn("no", "integer", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("unit_id", "varchar(64)")
    .addColumn("unit_name", "text", (c) => c.notNull())
    .addColumn("state", "varchar(16)", (c) => c.notNull())
    .addColumn("note", "text")
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_by_name", "text")
    .execute();
  await db.schema
    .createIndex("warning_tasks_warning")
    .on("warning_tasks")
    .columns(["warning_id", "kind", "no"])
    .execute();

  await db.schema
    .createTable("warning_subscribers")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("channel", "varchar(8)", (c) => c.notNull())
    .addColumn("address", "varchar(200)", (c) => c.notNull())
    .addColumn("name", "text")
    .addColumn("division_code", "varchar(16)")
    .addColumn("lon", "double precision")
    .addColumn("lat", "double precision")
    .addColumn("cell", "integer")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("unsubscribed_at", "varchar(32)")
    .execute();
  await db.schema
    .createIndex("warning_subscribers_address")
    .on("warning_subscribers")
    .columns(["channel", "address"])
    .unique()
    .execute();
  await db.schema
    .createIndex("warning_subscribers_division")
    .on("warning_subscribers")
    .column("division_code")
    .execute();
  await db.schema.createIndex("warning_subscribers_cell").on("warning_subscribers").column("cell").execute();
  await createSpatialIndex(db);

  await db.schema
    .createTable("warning_dispatch_jobs")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("warning_id", "varchar(36)", (c) => c.notNull().references("warnings.id"))
    .addColumn("message_id", "varchar(36)", (c) => c.notNull())
    .addColumn("kind", "varchar(16)", (c) => c.notNull())
    .addColumn("state", "varchar(16)", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("recipients", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("enqueued", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("lease_until", "varchar(32)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("finished_at", "varchar(32)")
    .execute();
  await db.schema
    .createIndex("warning_dispatch_jobs_state")
    .on("warning_dispatch_jobs")
    .columns(["state", "created_at"])
    .execute();
}

/**
 * The one dialect difference of this migration. SQLite: an R*Tree virtual table over the
 * subscribers' points, kept in step by triggers (keyed by the subscriber's rowid). PostgreSQL (no
 * PostGIS assumed): the b-tree index on `cell` above, a 0.01° grid cell number computed on write.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
async function createSpatialIndex(db: Kysely<any>): Promise<void> {
  const isSqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  if (!isSqlite) {
    return;
  }
  await sql`create virtual table warning_subscriber_rtree using rtree(id, min_x, max_x, min_y, max_y)`.execute(
    db,
  );
  await sql`create trigger warning_subscribers_rtree_insert after insert on warning_subscribers
    when new.lon is not null and new.lat is not null
    begin
      insert into warning_subscriber_rtree values (new.rowid, new.lon, new.lon, new.lat, new.lat);
    end`.execute(db);
  await sql`create trigger warning_subscribers_rtree_update after update of lon, lat on warning_subscribers
    begin
      delete from warning_subscriber_rtree where id = old.rowid;
      insert into warning_subscriber_rtree
        select new.rowid, new.lon, new.lon, new.lat, new.lat where new.lon is not null and new.lat is not null;
    end`.execute(db);
  await sql`create trigger warning_subscribers_rtree_delete after delete on warning_subscribers
    begin
      delete from warning_subscriber_rtree where id = old.rowid;
    end`.execute(db);
}
