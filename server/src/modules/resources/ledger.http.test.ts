// Stock ledger invariants (issue 6 §1, §4): the balance never goes negative, the ledger always sums
// to the balance, and concurrent withdrawals can never overdraw a line — on SQLite and, with
// DATABASE_URL set, on PostgreSQL, where the requests really run in parallel on a pool.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiClient,
  type Problem,
  startTestServer,
  type TestServer,
} from "../../../../tests/support/server.js";
import { changeStockQuantity, ledgerSum, stockQuantity } from "./repository.js";
import { testIncidentId } from "./testing.js";

let server: TestServer;
let office: ApiClient;
let warehouseId: string;
let otherWarehouseId: string;
let supplyId: string;

beforeAll(async () => {
  server = await startTestServer();
  office = await server.login("office_staff");
  const w = await office.post<{ id: string }>("/api/warehouses", {
    name: "测试储备库甲",
    level: "district",
    lat: 39.93,
    lng: 116.5,
    ownerUnitId: "dept-emergency",
  });
  warehouseId = w.body.id;
  const w2 = await office.post<{ id: string }>("/api/warehouses", {
    name: "测试储备库乙",
    level: "street",
    lat: 39.91,
    lng: 116.46,
    ownerUnitId: "110105001",
  });
  otherWarehouseId = w2.body.id;
  const s = await office.post<{ id: string }>("/api/supplies", {
    name: "折叠床（测试）",
    category: "生活保障类",
    unit: "张",
  });
  supplyId = s.body.id;
});
afterAll(() => server.close());

interface Stock {
  id: string;
  quantity: number;
  unit: string;
  allowedActions: string[];
}

async function newLine(quantity: number, batch: string): Promise<Stock> {
  const res = await office.post<Stock>("/api/stock", { warehouseId, supplyId, batch, quantity });
  expect(res.status).toBe(201);
  return res.body;
}

async function invariants(stockId: string) {
  const balance = await stockQuantity(server.ctx.db, stockId);
  expect(balance).toBeGreaterThanOrEqual(0);
  expect(await ledgerSum(server.ctx.db, stockId)).toBe(balance);
  const negative = await server.ctx.db
    .selectFrom("res_stock_movements")
    .select("id")
    .where("stock_id", "=", stockId)
    .where("balance_after", "<", 0)
    .execute();
  expect(negative).toEqual([]);
  return balance;
}

describe("stock ledger", () => {
  it("records in, out, adjust and expired write-offs, each audited, and answers an overdraw with 409 and what is there", async () => {
    const line = await newLine(100, "B1");
    const out = await office.post<Stock>("/api/stock/movements", {
      stockId: line.id,
      kind: "out",
      quantity: 30,
      reason: "发放",
    });
    expect(out.status).toBe(201);
    expect(out.body.quantity).toBe(70);
    await office.post("/api/stock/movements", {
      stockId: line.id,
      kind: "adjust",
      quantity: -5,
      reason: "盘亏",
    });
    await office.post("/api/stock/movements", { stockId: line.id, kind: "expired", quantity: 5 });
    const over = await office.post<Problem & { available: number; requested: number; unit: string }>(
      "/api/stock/movements",
      {
        stockId: line.id,
        kind: "out",
        quantity: 61,
      },
    );
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ available: 60, requested: 61, unit: "张" });
    expect(over.body.detail).toContain("可用 60 张");

    const zero = await office.post<Problem>("/api/stock/movements", {
      stockId: line.id,
      kind: "out",
      quantity: 0,
    });
    expect(zero.status).toBe(400);
    expect(zero.body.errors?.[0]?.path).toBe("quantity");

    expect(await invariants(line.id)).toBe(60);
    const ledger = await office.get<{ items: { kind: string; delta: number; balanceAfter: number }[] }>(
      `/api/stock/movements?stockId=${line.id}`,
    );
    expect(ledger.body.items.map((m) => [m.kind, m.delta, m.balanceAfter])).toEqual([
      ["expired", -5, 60],
      ["adjust", -5, 65],
      ["out", -30, 70],
      ["in", 100, 100],
    ]);
    const audited = await server.ctx.db
      .selectFrom("audit_log")
      .select("action")
      .where("entity_id", "=", line.id)
      .orderBy("seq")
      .execute();
    expect(audited.map((a) => a.action)).toEqual([
      "stock.create",
      "stock.in",
      "stock.out",
      "stock.adjust",
      "stock.expired",
    ]);
  });

  it("transfers as a pair of movements and refuses a transfer to another unit's warehouse to a department", async () => {
    const line = await newLine(40, "B2");
    const t = await office.post<Stock>("/api/stock/movements", {
      stockId: line.id,
      kind: "transfer",
      quantity: 15,
      toWarehouseId: otherWarehouseId,
    });
    expect(t.status).toBe(201);
    expect(t.body.quantity).toBe(25);
    const target = await office.get<{ items: Stock[] }>(`/api/stock?warehouseId=${otherWarehouseId}`);
    expect(target.body.items.find((s) => s.quantity === 15)).toBeDefined();
    await invariants(line.id);
  });

  it("never overdraws under concurrent withdrawals (HTTP, many at once)", async () => {
    const line = await newLine(10, "C1");
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        office.post<Problem & { available?: number }>("/api/stock/movements", {
          stockId: line.id,
          kind: "out",
          quantity: 3,
        }),
      ),
    );
    const ok = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(ok).toHaveLength(3);
    expect(refused).toHaveLength(17);
    expect(refused.every((r) => r.body.available === 1)).toBe(true);
    expect(await invariants(line.id)).toBe(1);
  });

  it("keeps the balance non-negative with the conditional UPDATE itself (parallel statements)", async () => {
    const line = await newLine(50, "C2");
    const at = new Date().toISOString();
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, () =>
        server.ctx.db.transaction().execute((trx) => changeStockQuantity(trx, line.id, -2, at)),
      ),
    );
    expect(outcomes.filter((b) => b !== undefined)).toHaveLength(25);
    expect(await stockQuantity(server.ctx.db, line.id)).toBe(0);
  });

  it("lets two concurrent dispatches of the same stock line succeed only as far as the stock goes", async () => {
    const line = await newLine(10, "D1");
    // 000 §6.7: the warehouse's own department (区应急局) dispatches its own supplies without approval.
    const admin = await server.login("admin");
    await admin.post("/api/users", {
      username: "yjj_staff",
      displayName: "区应急局 物资科",
      unitId: "dept-emergency",
      roles: ["dept_staff"],
      password: "ledger-test-pass-1",
    });
    const owner = await ApiClient.login(server.url, "yjj_staff", "ledger-test-pass-1");
    const incidentId = await testIncidentId(server, await server.login("duty"));
    const make = async () => {
      const d = await owner.post<{ id: string; state: string; ruleCase: string }>("/api/dispatches", {
        incidentId,
        resourceType: "stock",
        resourceId: line.id,
        quantity: 7,
      });
      expect(d.status).toBe(201);
      return d.body;
    };
    const [a, b] = [await make(), await make()];
    expect(a).toMatchObject({ state: "approved", ruleCase: "own" });
    const [ra, rb] = await Promise.all([
      owner.post<Problem & { available?: number }>(`/api/dispatches/${a.id}/dispatch`),
      owner.post<Problem & { available?: number }>(`/api/dispatches/${b.id}/dispatch`),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    const refused = ra.status === 409 ? ra : rb;
    expect(refused.body.available).toBe(3);
    expect(await invariants(line.id)).toBe(3);
    const states = await server.ctx.db
      .selectFrom("res_dispatches")
      .select("state")
      .where("id", "in", [a.id, b.id])
      .execute();
    expect(states.map((s) => s.state).sort()).toEqual(["approved", "dispatched"]);
  });

  it("refuses a department's movement on another unit's stock with 403", async () => {
    const line = await newLine(5, "E1");
    const dept = await server.login("chengguan");
    const res = await dept.post<Problem>("/api/stock/movements", {
      stockId: line.id,
      kind: "out",
      quantity: 1,
    });
    expect(res.status).toBe(403);
    expect(res.body.needed).toContain("资源所属单位的负责人或工作人员");
    expect(await invariants(line.id)).toBe(5);
  });
});
