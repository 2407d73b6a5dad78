import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, cliEnv } from "../../../../tests/support/cli.js";
import { type Problem, startTestServer, type TestServer } from "../../../../tests/support/server.js";

const run = promisify(execFile);
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Runs `fenghuo audit verify` against the test server's database, as an operator would. */
async function cliVerify(): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run("node", [CLI, "audit", "verify"], { env: cliEnv(server.db) });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, out: e.stderr };
  }
}

interface AuditPage {
  items: { seq: number; action: string; entityType: string; actorName: string | null; hash: string }[];
  nextCursor: string | null;
}

describe("audit log", () => {
  it("records every state change with actor and request id, browsable and filterable by admins only", async () => {
    const admin = await server.login("admin");
    await admin.put("/api/me/preferences", { locale: "en-US" });
    const page = await admin.get<AuditPage>("/api/audit?action=user.preferences");
    expect(page.status).toBe(200);
    expect(page.body.items[0]).toMatchObject({
      action: "user.preferences",
      entityType: "user",
      actorName: "系统管理员",
    });

    const duty = await server.login("duty");
    const refused = await duty.get<Problem>("/api/audit");
    expect(refused.status).toBe(403);
    expect(refused.body.needed).toEqual(["系统管理员或区应急办主任"]);
  });

  it("pages newest first with a cursor", async () => {
    const admin = await server.login("admin");
    const first = await admin.get<AuditPage>("/api/audit?limit=3");
    expect(first.body.items).toHaveLength(3);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await admin.get<AuditPage>(`/api/audit?limit=3&cursor=${first.body.nextCursor}`);
    const lastOfFirst = first.body.items[2]?.seq ?? 0;
    expect(second.body.items[0]?.seq).toBe(lastOfFirst - 1);
  });

  it("fenghuo audit verify exits 0 on an intact chain and 1 naming an edited row", async () => {
    const ok = await cliVerify();
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/审计链完好/);

    const db = server.ctx.db;
    await db.updateTable("audit_log").set({ after: sql`'{"tampered":true}'` }).where("seq", "=", 3).execute();
    const edited = await cliVerify();
    expect(edited.code).toBe(1);
    expect(edited.out).toMatch(/seq=3/);
    expect(edited.out).toMatch(/被修改/);
  });

  it("verify names the first row missing after a deletion", async () => {
    const fresh = await startTestServer();
    try {
      const admin = await fresh.login("admin");
      await admin.put("/api/me/preferences", { locale: "en-US" });
      await admin.put("/api/me/preferences", { locale: "zh-CN" });
      const before = await admin.get<{ ok: boolean; rows: number }>("/api/audit/verify");
      expect(before.body.ok).toBe(true);

      await fresh.ctx.db.deleteFrom("audit_log").where("seq", "=", 2).execute();
      const gap = await admin.get<{ ok: boolean; firstBadSeq: number; reason: string }>("/api/audit/verify");
      expect(gap.body).toMatchObject({ ok: false, firstBadSeq: 2 });
      expect(gap.body.reason).toMatch(/缺失/);
    } finally {
      await fresh.close();
    }
  });

  it("detects a deleted tail through the head row", async () => {
    const fresh = await startTestServer();
    try {
      const admin = await fresh.login("admin");
      const verify = await admin.get<{ rows: number }>("/api/audit/verify");
      const last = verify.body.rows + 1; // the verify call itself writes nothing; login wrote the last row
      const maxSeq = await fresh.ctx.db
        .selectFrom("audit_log")
        .select(sql<number>`max(seq)`.as("m"))
        .executeTakeFirstOrThrow();
      expect(Number(maxSeq.m)).toBe(last - 1);
      await fresh.ctx.db.deleteFrom("audit_log").where("seq", "=", Number(maxSeq.m)).execute();
      const tail = await admin.get<{ ok: boolean; firstBadSeq: number }>("/api/audit/verify");
      expect(tail.body).toMatchObject({ ok: false, firstBadSeq: Number(maxSeq.m) });
    } finally {
      await fresh.close();
    }
  });
});
