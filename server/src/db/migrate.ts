import { type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import type { Db, Dialect } from "./index.js";
import * as m0001 from "./migrations/0001_foundation.js";
import * as m0002 from "./migrations/0002_notify.js";
import * as m0003 from "./migrations/0003_incidents.js";
import * as m0004 from "./migrations/0004_warnings.js";
import * as m0005 from "./migrations/0005_resources.js";
import * as m0006 from "./migrations/0006_response.js";
import * as m0007 from "./migrations/0007_intake_indexes.js";
import * as m0008 from "./migrations/0008_deadline_state_indexes.js";
import * as m0009 from "./migrations/0009_warning_relays.js";
import * as m0010 from "./migrations/0010_user_roles.js";
import * as m0011 from "./migrations/0011_token_expiry.js";
import * as m0012 from "./migrations/0012_idempotency_leases.js";
import * as m0013 from "./migrations/0013_response_plan_fidelity.js";
import * as m0014 from "./migrations/0014_warning_lift_reminders.js";
import * as m0015 from "./migrations/0015_upward_approval.js";

/** Migrations are listed here (not read from disk) so the same set runs from source and from a bundle. */
const MIGRATIONS: Record<string, Migration> = {
  "0001_foundation": m0001,
  "0002_notify": m0002,
  "0003_incidents": m0003,
  "0004_warnings": m0004,
  "0005_resources": m0005,
  "0006_response": m0006,
  "0007_intake_indexes": m0007,
  "0008_deadline_state_indexes": m0008,
  "0009_warning_relays": m0009,
  "0010_user_roles": m0010,
  "0011_token_expiry": m0011,
  "0012_idempotency_leases": m0012,
  "0013_response_plan_fidelity": m0013,
  "0014_warning_lift_reminders": m0014,
  "0015_upward_approval": m0015,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

/** Brings the schema to the latest version; throws with the failing migration's name. */
export async function migrateToLatest(db: Db, dialect: Dialect): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one; name the current
  // schema so several schemas in one PostgreSQL database (tests, tenants) stay independent.
  const schema =
    dialect === "postgres"
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s
      : undefined;
  const migrator = new Migrator({
    db,
    provider: new StaticProvider(),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    throw new Error(`migration ${failed?.migrationName ?? "?"} failed: ${String(error)}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}
