import path from "node:path";
import { REPO_ROOT } from "../../server/src/config.js";
import type { TestDatabase } from "./db.js";

export const CLI = path.join(REPO_ROOT, "bin/fenghuo.js");

/**
 * Environment that points a separate `fenghuo` process at a test database. The runner's own
 * FENGHUO_ variables are left out (the child would refuse unknown ones): a test names its settings.
 */
export function cliEnv(db: TestDatabase, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith("FENGHUO_"));
  const env: NodeJS.ProcessEnv = { ...Object.fromEntries(inherited), FENGHUO_DATA_DIR: db.dataDir, ...extra };
  if (db.databaseUrl && db.pgSchema) {
    const sep = db.databaseUrl.includes("?") ? "&" : "?";
    env.DATABASE_URL = `${db.databaseUrl}${sep}options=-c%20search_path%3D${db.pgSchema}`;
  } else {
    delete env.DATABASE_URL;
  }
  return env;
}
