// The ceiling: a bare Fastify route inserting one row through the same driver and SQLite settings
// (WAL, synchronous=FULL) as Fenghuo, with no auth, validation or audit. Prints LISTENING <url>.
import path from "node:path";
import Fastify from "fastify";
import { openDatabase } from "../../server/src/db/index.js";

const dir = process.env.FENGHUO_DATA_DIR ?? "/tmp";
const { db } = openDatabase({ sqliteFile: path.join(dir, "bare.db") });
await db.schema
  .createTable("bare_rows")
  .ifNotExists()
  .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
  .addColumn("locale", "text")
  .addColumn("at", "text")
  .execute();
const app = Fastify();
app.put("/bare", async (req) => {
  const body = req.body as { locale: string };
  // biome-ignore lint/suspicious/noExplicitAny: the bare table is outside Fenghuo's schema on purpose
  await (db as any)
    .insertInto("bare_rows")
    .values({ locale: body.locale, at: new Date().toISOString() })
    .execute();
  return { locale: body.locale };
});
await app.listen({ port: 0, host: "127.0.0.1" });
const address = app.server.address();
console.log(`LISTENING http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`);
