import path from "node:path";
import { REPO_ROOT } from "../../server/src/config.js";
import type { TestDatabase } from "./db.js";

export const CLI = path.join(REPO_ROOT, "bin/fenghuo.js");

/** Environment that points a separate `fenghuo` process at a test database. */
export function cliEnv(db: TestDatabase, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FENGHUO_DATA_DIR: db.dataDir, ...extra };
  if (db.databaseUrl && db.pgSchema) {
    const sep = db.databaseUrl.includes("?") ? "&" : "?";
    env.DATABASE_URL = `${db.databaseUrl}${sep}options=-c%20search_path%3D${db.pgSchema}`;
  } else {
    delete env.DATABASE_URL;
  }
  return env;
}
