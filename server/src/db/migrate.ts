import { type Migration, type MigrationProvider, Migrator } from "kysely";
import type { Db } from "./index.js";
import * as m0001 from "./migrations/0001_foundation.js";

/** Migrations are listed here (not read from disk) so the same set runs from source and from a bundle. */
const MIGRATIONS: Record<string, Migration> = {
  "0001_foundation": m0001,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

/** Brings the schema to the latest version; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    throw new Error(`migration ${failed?.migrationName ?? "?"} failed: ${String(error)}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}
