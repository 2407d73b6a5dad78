import { type CreateTableBuilder, type Kysely, PostgresAdapter, sql } from "kysely";

// Emergency resources (issue 6): registries, stock and ledger, dispatches, the spatial index and
// import jobs. One set for both dialects; the only difference (integer key of the spatial rows and
// the spatial index itself) is isolated in `isPostgres` below.

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against an untyped schema on purpose
type Db = Kysely<any>;
// biome-ignore lint/suspicious/noExplicitAny: same
type Table = CreateTableBuilder<any, any>;

const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;

function base(t: Table): Table {
  return t
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("code", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("notes", "text")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull());
}

function located(t: Table): Table {
  return t
    .addColumn("address", "text")
    .addColumn("lat", "double precision")
    .addColumn("lng", "double precision");
}

const owner = (t: Table) =>
  t.addColumn("owner_unit_id", "varchar(64)", (c) => c.notNull().references("org_units.id"));

async function index(db: Db, table: string, columns: string[]): Promise<void> {
  await db.schema
    .createIndex(`${table}_${columns.join("_")}`)
    .on(table)
    .columns(columns)
    .execute();
}

export async function up(db: Db): Promise<void> {
  await owner(
    located(base(db.schema.createTable("res_teams")))
      .addColumn("kind", "varchar(32)", (c) => c.notNull())
      .addColumn("specialties", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("headcount", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("leader", "text")
      .addColumn("phone", "varchar(32)", (c) => c.notNull())
      .addColumn("equipment", "text")
      .addColumn("status", "varchar(16)", (c) => c.notNull()),
  ).execute();
  await index(db, "res_teams", ["kind", "code"]);
  await index(db, "res_teams", ["status", "code"]);
  await index(db, "res_teams", ["owner_unit_id", "code"]);

  await owner(
    located(base(db.schema.createTable("res_experts")))
      .addColumn("fields", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("organisation", "text")
      .addColumn("title", "text")
      .addColumn("phone", "varchar(32)", (c) => c.notNull())
      .addColumn("availability", "varchar(16)", (c) => c.notNull()),
  ).execute();
  await index(db, "res_experts", ["availability", "code"]);
  await index(db, "res_experts", ["owner_unit_id", "code"]);

  await owner(
    located(base(db.schema.createTable("res_warehouses")))
      .addColumn("level", "varchar(16)", (c) => c.notNull())
      .addColumn("area_m2", "double precision")
      .addColumn("manager", "text")
      .addColumn("phone", "varchar(32)"),
  ).execute();
  await index(db, "res_warehouses", ["level", "code"]);
  await index(db, "res_warehouses", ["owner_unit_id", "code"]);

  await base(db.schema.createTable("res_supplies"))
    .addColumn("category", "varchar(32)", (c) => c.notNull())
    .addColumn("unit", "varchar(16)", (c) => c.notNull())
    .addColumn("spec", "text")
    .addColumn("shelf_life_days", "integer")
    .execute();
  await index(db, "res_supplies", ["category", "code"]);

  await db.schema
    .createTable("res_stock")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("warehouse_id", "varchar(36)", (c) => c.notNull().references("res_warehouses.id"))
    .addColumn("supply_id", "varchar(36)", (c) => c.notNull().references("res_supplies.id"))
    .addColumn("batch", "varchar(64)", (c) => c.notNull().defaultTo(""))
    .addColumn("expiry_date", "varchar(10)")
    .addColumn("reserve_mode", "varchar(32)", (c) => c.notNull())
    .addColumn("quantity", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    // The last line of defence; the service's conditional UPDATE answers 409 before this fires.
    .addCheckConstraint("res_stock_quantity_nonnegative", sql`quantity >= 0`)
    .addUniqueConstraint("res_stock_line", ["warehouse_id", "supply_id", "batch"])
    .execute();
  await index(db, "res_stock", ["supply_id", "warehouse_id"]);
  await index(db, "res_stock", ["expiry_date"]);

  await db.schema
    .createTable("res_stock_movements")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("stock_id", "varchar(36)", (c) => c.notNull().references("res_stock.id"))
    .addColumn("kind", "varchar(16)", (c) => c.notNull())
    .addColumn("delta", "integer", (c) => c.notNull())
    .addColumn("balance_after", "integer", (c) => c.notNull())
    .addColumn("transfer_id", "varchar(36)")
    .addColumn("dispatch_id", "varchar(36)")
    .addColumn("reason", "text")
    .addColumn("actor_id", "varchar(36)")
    .addColumn("actor_name", "text")
    .addColumn("at", "varchar(32)", (c) => c.notNull())
    .addCheckConstraint("res_stock_movements_balance_nonnegative", sql`balance_after >= 0`)
    .execute();
  await index(db, "res_stock_movements", ["stock_id", "at"]);
  await index(db, "res_stock_movements", ["at"]);

  await owner(
    located(base(db.schema.createTable("res_agreements")))
      .addColumn("kind", "varchar(32)", (c) => c.notNull())
      .addColumn("supplier", "text", (c) => c.notNull())
      .addColumn("items", "text", (c) => c.notNull())
      .addColumn("capacity", "text")
      .addColumn("response_hours", "double precision")
      .addColumn("valid_from", "varchar(10)")
      .addColumn("valid_to", "varchar(10)")
      .addColumn("contact", "text")
      .addColumn("phone", "varchar(32)"),
  ).execute();
  await index(db, "res_agreements", ["kind", "code"]);
  await index(db, "res_agreements", ["owner_unit_id", "code"]);

  await owner(
    located(base(db.schema.createTable("res_shelters")))
      .addColumn("type", "varchar(32)", (c) => c.notNull())
      .addColumn("class", "varchar(16)", (c) => c.notNull())
      .addColumn("area_m2", "double precision")
      .addColumn("capacity", "integer", (c) => c.notNull())
      .addColumn("facilities", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("manager", "text")
      .addColumn("phone", "varchar(32)")
      .addColumn("status", "varchar(16)", (c) => c.notNull().defaultTo("closed"))
      .addColumn("occupancy", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("opened_at", "varchar(32)")
      .addColumn("incident_id", "varchar(64)")
      .addCheckConstraint("res_shelters_occupancy", sql`occupancy >= 0`),
  ).execute();
  await index(db, "res_shelters", ["status", "code"]);
  await index(db, "res_shelters", ["type", "code"]);
  await index(db, "res_shelters", ["owner_unit_id", "code"]);

  await owner(
    located(base(db.schema.createTable("res_equipment")))
      .addColumn("type", "varchar(64)", (c) => c.notNull())
      .addColumn("quantity", "integer", (c) => c.notNull())
      .addColumn("deployed", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("condition", "varchar(16)", (c) => c.notNull())
      .addCheckConstraint("res_equipment_deployed", sql`deployed >= 0 and deployed <= quantity`),
  ).execute();
  await index(db, "res_equipment", ["type", "code"]);
  await index(db, "res_equipment", ["owner_unit_id", "code"]);

  await db.schema
    .createTable("res_dispatches")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("incident_id", "varchar(64)", (c) => c.notNull())
    .addColumn("incident_subtype", "varchar(64)")
    .addColumn("resource_type", "varchar(16)", (c) => c.notNull())
    .addColumn("resource_id", "varchar(36)", (c) => c.notNull())
    .addColumn("resource_name", "text", (c) => c.notNull())
    .addColumn("quantity", "integer", (c) => c.notNull())
    .addColumn("requesting_unit_id", "varchar(64)", (c) => c.notNull())
    .addColumn("owning_unit_id", "varchar(64)", (c) => c.notNull())
    .addColumn("rule_case", "varchar(32)", (c) => c.notNull())
    .addColumn("rule_name", "text", (c) => c.notNull())
    .addColumn("steps", "text", (c) => c.notNull())
    .addColumn("state", "varchar(16)", (c) => c.notNull())
    .addColumn("destination", "text")
    .addColumn("lat", "double precision")
    .addColumn("lng", "double precision")
    .addColumn("note", "text")
    .addColumn("returned_quantity", "integer")
    .addColumn("requested_by", "varchar(36)")
    .addColumn("requested_by_name", "text")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .addColumn("dispatched_at", "varchar(32)")
    .addColumn("arrived_at", "varchar(32)")
    .addColumn("closed_at", "varchar(32)")
    .execute();
  await index(db, "res_dispatches", ["incident_id", "created_at"]);
  await index(db, "res_dispatches", ["state", "created_at"]);
  await index(db, "res_dispatches", ["resource_type", "resource_id"]);
  await index(db, "res_dispatches", ["created_at"]);

  const pg = isPostgres(db);
  await db.schema
    .createTable("res_geo")
    // SQLite: INTEGER PRIMARY KEY is the rowid the R*Tree joins on; PostgreSQL: a serial.
    .addColumn("rid", pg ? "serial" : "integer", (c) => c.primaryKey())
    .addColumn("kind", "varchar(16)", (c) => c.notNull())
    .addColumn("ref_id", "varchar(36)", (c) => c.notNull())
    .addColumn("lat", "double precision", (c) => c.notNull())
    .addColumn("lng", "double precision", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("category", "varchar(64)")
    .addColumn("status", "varchar(16)")
    .addColumn("tags", "text", (c) => c.notNull().defaultTo("|"))
    .addColumn("owner_unit_id", "varchar(64)")
    .addUniqueConstraint("res_geo_ref", ["kind", "ref_id"])
    .execute();
  if (pg) {
    // Core PostgreSQL (no PostGIS): a GiST index over the point answers bounding-box queries.
    await sql`create index res_geo_point on res_geo using gist (point(lng, lat))`.execute(db);
  } else {
    await sql`create virtual table res_geo_rtree using rtree(id, min_lng, max_lng, min_lat, max_lat)`.execute(
      db,
    );
  }

  await db.schema
    .createTable("res_import_jobs")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("registry", "varchar(32)", (c) => c.notNull())
    .addColumn("mode", "varchar(16)", (c) => c.notNull())
    .addColumn("file_name", "text")
    .addColumn("state", "varchar(16)", (c) => c.notNull())
    .addColumn("phase", "varchar(16)", (c) => c.notNull())
    .addColumn("total", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("processed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("errors", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("detail", "text")
    .addColumn("created_by", "varchar(36)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("finished_at", "varchar(32)")
    .execute();
}
