/**
 * Test helpers of the resources module. Dispatches link to an incident id that is validated only
 * when the incidents table exists (it belongs to another module), so tests ask for an id that is
 * valid in whichever state the schema is.
 */
import { sql } from "kysely";
import type { ApiClient, TestServer } from "../../../../tests/support/server.js";
import { incidentExists } from "./repository.js";

/** An incident id the server accepts: an existing incident, or one registered through its API. */
export async function testIncidentId(server: TestServer, duty: ApiClient): Promise<string> {
  const { db, dialect } = server.ctx;
  if ((await incidentExists(db, dialect, "")) === undefined) {
    return "INC-TEST-0001";
  }
  const existing = await sql<{ id: string }>`select id from incidents order by id limit 1`.execute(db);
  const first = existing.rows[0]?.id;
  if (first) {
    return first;
  }
  const subtype = server.ctx.plan.profile.taxonomy.categories[0]?.subtypes[0]?.id;
  const street = await db
    .selectFrom("org_units")
    .select("id")
    .where("type", "in", ["street", "township"])
    .orderBy("sort_key")
    .executeTakeFirst();
  const res = await duty.post<{ id: string }>("/api/incidents", {
    title: "资源调用测试事件",
    subtypeId: subtype,
    occurredAt: new Date(server.clock.now().getTime() - 600_000).toISOString(),
    sourceChannel: "119",
    divisionCode: street?.id,
  });
  if (res.status !== 201) {
    throw new Error(`could not register a test incident: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body.id;
}
