// Issue 14 §3: an Idempotency-Key claim is held under a lease. A claim whose holder died (pending,
// lease expired) is taken over and the request runs; one whose command committed before the holder
// died is answered as committed, never run twice; a live claim still answers 409 "in progress".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ApiClient,
  type Problem,
  startTestServer,
  type TestServer,
} from "../../../tests/support/server.js";
import { ManualClock } from "../clock.js";
import { IDEMPOTENCY_LEASE_MS } from "./idempotency.js";
import { claimIdempotencyKey, findIdempotencyKey } from "./repository.js";

const clock = new ManualClock("2026-11-27T03:00:00Z");
let server: TestServer;
let admin: ApiClient;
let adminId: string;

beforeAll(async () => {
  server = await startTestServer({ clock });
  admin = await server.login("admin");
  const row = await server.ctx.db
    .selectFrom("users")
    .select("id")
    .where("username", "=", "admin")
    .executeTakeFirstOrThrow();
  adminId = row.id;
});
afterAll(() => server.close());

/** A claim as a killed instance leaves it: nobody renews it any more. */
async function orphanClaim(key: string, state: "pending" | "committed", lease: string | null) {
  await claimIdempotencyKey(server.ctx.db, {
    principal: adminId,
    key,
    method: "POST",
    path: "/api/tokens",
    state,
    status: null,
    body: null,
    created_at: clock.now().toISOString(),
    owner: lease === null ? null : "instance-killed-with-sigkill",
    lease_until: lease,
  });
}

const tokensNamed = async (name: string) =>
  (await server.ctx.db.selectFrom("api_tokens").select("id").where("name", "=", name).execute()).length;

const inLease = () => new Date(clock.now().getTime() + IDEMPOTENCY_LEASE_MS).toISOString();

describe("Idempotency-Key leases (issue 14 §3)", () => {
  it("runs a retry once the dead holder's lease has expired, then replays its result", async () => {
    await orphanClaim("orphan-pending", "pending", inLease());
    const body = { name: "orphan-pending", scopes: ["read"] };
    const early = await admin.post<Problem>("/api/tokens", body, { "idempotency-key": "orphan-pending" });
    expect(early.status).toBe(409);
    expect(early.body.detail).toBe("相同 Idempotency-Key 的请求仍在处理中");

    clock.advance(IDEMPOTENCY_LEASE_MS + 1000);
    const retry = await admin.post<{ id: string }>("/api/tokens", body, {
      "idempotency-key": "orphan-pending",
    });
    expect(retry.status).toBe(201);
    const again = await admin.post<{ id: string }>("/api/tokens", body, {
      "idempotency-key": "orphan-pending",
    });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.id).toBe(retry.body.id);
    expect(await tokensNamed("orphan-pending")).toBe(1);
  });

  it("tells a retry that the command committed (and runs nothing) when only the response was lost", async () => {
    await orphanClaim("orphan-committed", "committed", inLease());
    clock.advance(IDEMPOTENCY_LEASE_MS + 1000);
    const retry = await admin.post<Problem>(
      "/api/tokens",
      { name: "orphan-committed", scopes: ["read"] },
      { "idempotency-key": "orphan-committed" },
    );
    expect(retry.status).toBe(409);
    expect(retry.body.type).toContain("idempotency-committed");
    expect(await tokensNamed("orphan-committed")).toBe(0);
  });

  it("expires a claim left from before leases existed (no owner, no lease)", async () => {
    await orphanClaim("legacy", "pending", null);
    const retry = await admin.post(
      "/api/tokens",
      { name: "legacy", scopes: ["read"] },
      { "idempotency-key": "legacy" },
    );
    expect(retry.status).toBe(201);
    expect(await tokensNamed("legacy")).toBe(1);
  });

  it("marks the claim committed in the command's transaction and done with the response", async () => {
    const res = await admin.post(
      "/api/tokens",
      { name: "live", scopes: ["read"] },
      { "idempotency-key": "live" },
    );
    expect(res.status).toBe(201);
    const row = await findIdempotencyKey(server.ctx.db, adminId, "live");
    expect(row).toMatchObject({ state: "done", status: 201, owner: server.ctx.events.instanceId });
  });
});
