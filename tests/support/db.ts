import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

/**
 * A fresh database for one test file: a temporary SQLite directory, or — when DATABASE_URL is set —
 * a new PostgreSQL schema in that database, dropped afterwards. Same tests, both dialects.
 */
export interface TestDatabase {
  dialect: "sqlite" | "postgres";
  databaseUrl: string | undefined;
  dataDir: string;
  pgSchema: string | undefined;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fenghuo-test-"));
  const databaseUrl = process.env.DATABASE_URL || undefined;
  if (!databaseUrl) {
    return {
      dialect: "sqlite",
      databaseUrl,
      dataDir,
      pgSchema: undefined,
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  return {
    dialect: "postgres",
    databaseUrl,
    dataDir,
    pgSchema: schema,
    drop: async () => {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
