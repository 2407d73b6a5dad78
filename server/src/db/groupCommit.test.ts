import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../tests/support/server.js";
import { runCommand } from "../http/command.js";
import { verifyAuditChain } from "../modules/audit/repository.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ demo: false });
});
afterAll(() => server.close());

describe("commands committed together", () => {
  it("isolates a failing command among concurrent ones: it writes nothing, the others commit, the chain holds", async () => {
    const published: string[] = [];
    const unsubscribe = server.ctx.events.subscribe((e) => published.push(e.entityId));
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        runCommand(server.ctx, { id: `r${i}` }, async (scope) => {
          await scope.audit({ action: "test.command", entityType: "test", entityId: `c${i}` });
          scope.publish({ type: "test.done", entityType: "test", entityId: `c${i}` });
          if (i === 7) {
            throw new Error("refused");
          }
          return i;
        }),
      ),
    );
    unsubscribe();
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(1);
    expect(results[7]).toMatchObject({ status: "rejected" });
    const rows = await server.ctx.db
      .selectFrom("audit_log")
      .select("entity_id")
      .where("action", "=", "test.command")
      .execute();
    const ids = rows.map((r) => r.entity_id).sort();
    expect(ids).toHaveLength(19);
    expect(ids).not.toContain("c7");
    expect(published).toHaveLength(19);
    expect(published).not.toContain("c7");
    expect((await verifyAuditChain(server.ctx.db)).ok).toBe(true);
  });
});
