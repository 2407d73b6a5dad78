/**
 * Test helpers of the resources module: dispatches link to an incident, registered here through
 * the incidents API (the incidents module owns that table).
 */
import type { ApiClient, TestServer } from "../../../../tests/support/server.js";

/** An incident the server accepts, registered through its API by the duty officer. */
export async function testIncidentId(
  server: TestServer,
  duty: ApiClient,
  subtypeId?: string,
): Promise<string> {
  const subtype = subtypeId ?? server.ctx.plan.profile.taxonomy.categories[0]?.subtypes[0]?.id;
  const res = await duty.post<{ id: string }>("/api/incidents", {
    title: "资源调用测试事件",
    subtypeId: subtype,
    occurredAt: new Date(server.clock.now().getTime() - 600_000).toISOString(),
    sourceChannel: "119",
    address: "资源调用测试地点",
  });
  if (res.status !== 201) {
    throw new Error(`could not register a test incident: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body.id;
}
