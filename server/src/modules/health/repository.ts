import { sql } from "kysely";
import type { Db } from "../../db/index.js";

/** A round trip to the database: healthy means it answers. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
