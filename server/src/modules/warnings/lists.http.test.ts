/**
 * The inbox pages (keyset cursor) instead of stopping at a fixed number of rows, and the expiry
 * sweep reports a warning it cannot expire while still expiring the others.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ApiClient, startTestServer, type TestServer } from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";
import { runCommand } from "../../http/command.js";
import { findUserByUsername } from "../users/index.js";
import type { Actor } from "./model.js";
import { publishWarning } from "./publication.js";
import { getWarning } from "./repository.js";
import { approveWarning, createWarning, proposeWarning } from "./service.js";
import { draftBody } from "./testSupport.js";

// A warning whose title says 故障 cannot be expired: stands for any failure the sweep cannot handle.
vi.mock("./changes.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("./changes.js")>();
  return {
    ...original,
    expireWarning: async (...args: Parameters<typeof original.expireWarning>) => {
      if (args[1].title.includes("故障")) {
        throw new Error("disk on fire");
      }
      return original.expireWarning(...args);
    },
  };
});

const clock = new ManualClock("2026-11-27T03:00:00Z");
let server: TestServer;
let staff: ApiClient;
beforeAll(async () => {
  server = await startTestServer({ clock });
  staff = await server.login("chengguan_staff");
});
afterAll(() => server.close());

interface Summary {
  id: string;
  allowedActions: string[];
}

describe("warnings inbox", () => {
  it("walks every warning awaiting the user with a cursor, a page at a time", async () => {
    const office = await server.login("office_staff");
    const mine: string[] = [];
    for (let i = 0; i < 7; i++) {
      clock.advance(1000);
      const res = await staff.post<{ id: string }>("/api/warnings", draftBody({ title: `燃气预警 ${i}` }));
      expect(res.status).toBe(201);
      mine.push(res.body.id);
      if (i % 2 === 0) {
        // Interleaved warnings the department cannot move forward (the water bureau's rainstorm).
        clock.advance(1000);
        const other = await office.post("/api/warnings", {
          ...draftBody({ subtypeId: "rainstorm", title: `暴雨预警 ${i}` }),
          issuingUnitId: "dept-water",
        });
        expect(other.status).toBe(201);
      }
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/api/warnings?inbox=true&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const res = await staff.get<{ items: Summary[]; nextCursor: string | null }>(query);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((w) => w.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor !== null && pages < 20);
    expect(seen).toEqual([...mine].reverse());
    expect(pages).toBe(4);
  });
});

describe("warning expiry sweep", () => {
  async function published(title: string): Promise<string> {
    const ctx = server.ctx;
    const row = await findUserByUsername(ctx.db, "chengguan_staff");
    const drafter: Actor = { id: row?.id ?? null, name: "城管委 赵敏", unitId: "dept-chengguan" };
    const approver: Actor = { id: null, name: "测试审批人", unitId: "committee" };
    const sys = { id: "expiry-test" };
    const body = draftBody({
      title,
      expiresAt: new Date(clock.now().getTime() + 3_600_000).toISOString(),
    }) as Parameters<typeof createWarning>[3];
    const id = await runCommand(ctx, sys, (s) => createWarning(ctx, s, drafter, body));
    await runCommand(ctx, sys, async (s) =>
      proposeWarning(ctx, s, drafter, await getWarning(s.trx, id), undefined),
    );
    await runCommand(ctx, sys, async (s) =>
      approveWarning(ctx, s, approver, await getWarning(s.trx, id), undefined, false),
    );
    await runCommand(ctx, sys, async (s) =>
      publishWarning(ctx, s, drafter, await getWarning(s.trx, id), ["inApp"], false),
    );
    return id;
  }

  it("expires the others when one fails, logs it and lets the scheduler see the failure", async () => {
    const first = await published("燃气预警 A");
    const broken = await published("燃气预警 故障");
    const last = await published("燃气预警 C");
    clock.advanceMinutes(61);
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const handled = await server.ctx.scheduler.runOnce(server.ctx);
    const lines = logged.mock.calls.map((c) => c.map(String).join(" "));
    logged.mockRestore();
    expect(handled["warning-expiry"]).toBe(-1);
    const line = lines.find((l) => l.includes(`"warningId":"${broken}"`));
    expect(line).toContain('"sweep":"warning-expiry"');
    expect(line).toContain("disk on fire");
    expect(lines.some((l) => l.includes("1 of 3 warnings failed to expire"))).toBe(true);
    const status = async (id: string) => (await getWarning(server.ctx.db, id)).status;
    expect(await status(first)).toBe("expired");
    expect(await status(last)).toBe("expired");
    expect(await status(broken)).toBe("published");
  });
});
