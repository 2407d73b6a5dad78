// The actions a response offers are the actions the server accepts (issue 12): for demo users and
// entity states, every action listed in `allowedActions` answers 2xx and every other one 403/409.
// A refused attempt changes nothing, so refusals share one entity; each accepted attempt gets a
// fresh entity in the same state, so attempts do not interfere.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, startTestServer, type TestServer } from "../../../../tests/support/server.js";
import { testIncidentId } from "./testing.js";

interface Viewed {
  id: string;
  allowedActions: string[];
}

type Attempt = (client: ApiClient, id: string) => Promise<{ status: number; body: unknown }>;

const USERS = ["chengguan", "jianwai", "office_staff", "admin", "duty", "commander", "deputy", "hqoffice"];

let server: TestServer;
const cache = new Map<string, Promise<ApiClient>>();
const as = (username: string) => {
  let c = cache.get(username);
  if (!c) {
    c = server.login(username);
    cache.set(username, c);
  }
  return c;
};

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/**
 * For one user and one way of making an entity in a state: reads the entity's allowedActions as
 * the user, then tries every action — listed ones on a fresh entity each (2xx), the others on the
 * entity read (403 or 409).
 */
async function checkActions(
  label: string,
  username: string,
  make: () => Promise<string>,
  view: (client: ApiClient, id: string) => Promise<Viewed>,
  attempts: Record<string, Attempt>,
  refusedAlso: (status: number, body: unknown) => boolean = () => false,
) {
  const client = await as(username);
  const first = await make();
  const allowed = (await view(client, first)).allowedActions;
  for (const [action, attempt] of Object.entries(attempts)) {
    const listed = allowed.includes(action);
    const id = listed ? await make() : first;
    const res = await attempt(client, id);
    const what = `${label}: ${username} ${action} (listed: ${listed}) → ${res.status} ${JSON.stringify(res.body)}`;
    if (listed) {
      expect(res.status >= 200 && res.status < 300, what).toBe(true);
    } else {
      expect(res.status === 403 || res.status === 409 || refusedAlso(res.status, res.body), what).toBe(true);
    }
  }
}

describe("records, stock and shelters (owner unit 区城管委)", () => {
  let seq = 0;
  const team = async () => {
    const office = await as("office_staff");
    seq++;
    const res = await office.post<Viewed>("/api/teams", {
      name: `动作测试队伍 ${seq}`,
      kind: "professional",
      specialties: ["抢修"],
      headcount: 10,
      phone: "13910097777",
      lat: 39.95,
      lng: 116.5,
      ownerUnitId: "dept-chengguan",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  };
  const viewTeam = async (c: ApiClient, id: string) => (await c.get<Viewed>(`/api/teams/${id}`)).body;
  const exportCsv = async (c: ApiClient) => {
    const res = await fetch(`${server.url}/api/teams/export.csv?ownerUnitId=dept-chengguan`, {
      headers: { cookie: c.cookie ?? "" },
    });
    return Buffer.from(await res.arrayBuffer()).toString("base64");
  };
  const recordAttempts: Record<string, Attempt> = {
    list: (c) => c.get("/api/teams?limit=1"),
    read: (c, id) => c.get(`/api/teams/${id}`),
    create: (c) =>
      c.post("/api/teams", {
        name: "动作测试新队伍",
        kind: "professional",
        specialties: [],
        headcount: 5,
        phone: "13910096666",
        lat: 39.95,
        lng: 116.5,
        ownerUnitId: "dept-chengguan",
      }),
    update: (c, id) => c.patch(`/api/teams/${id}`, { headcount: 11 }),
    delete: (c, id) => c.delete(`/api/teams/${id}`),
    import: async (c) =>
      c.post("/api/teams/import?wait=true&mode=upsert&format=csv", {
        fileName: "teams.csv",
        content: await exportCsv(await as("office_staff")),
      }),
    export: (c) => c.get("/api/teams/export.csv"),
  };
  // An import the user may start but whose rows are another unit's is refused row by row (400).
  const rowRefusal = (status: number, body: unknown) =>
    status === 400 && JSON.stringify(body).includes("无权为其他单位导入");

  it.each(USERS)("team records as %s", async (username) => {
    await checkActions("team", username, team, viewTeam, recordAttempts, rowRefusal);
  });

  let warehouse = "";
  let supply = "";
  let batch = 0;
  beforeAll(async () => {
    const office = await as("office_staff");
    warehouse = (
      await office.post<Viewed>("/api/warehouses", {
        name: "区城管委动作测试储备库",
        level: "district",
        lat: 39.95,
        lng: 116.5,
        ownerUnitId: "dept-chengguan",
      })
    ).body.id;
    supply = (
      await office.post<Viewed>("/api/supplies", { name: "动作测试物资", category: "生活保障类", unit: "件" })
    ).body.id;
  });
  const line = async () => {
    const office = await as("office_staff");
    batch++;
    const res = await office.post<Viewed>("/api/stock", {
      warehouseId: warehouse,
      supplyId: supply,
      batch: `B${batch}`,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  };
  const stockAttempts: Record<string, Attempt> = {
    read: (c, id) => c.get(`/api/stock/${id}`),
    create: (c) => {
      batch++;
      return c.post("/api/stock", { warehouseId: warehouse, supplyId: supply, batch: `N${batch}` });
    },
    update: (c, id) => c.patch(`/api/stock/${id}`, { reserveMode: "physical" }),
    delete: (c, id) => c.delete(`/api/stock/${id}`),
    move: (c, id) => c.post("/api/stock/movements", { stockId: id, kind: "in", quantity: 1 }),
  };

  it.each(USERS)("stock lines as %s", async (username) => {
    await checkActions(
      "stock",
      username,
      line,
      async (c, id) => (await c.get<Viewed>(`/api/stock/${id}`)).body,
      stockAttempts,
    );
  });

  const shelterIn = (state: "closed" | "open" | "occupied") => async () => {
    const office = await as("office_staff");
    seq++;
    const res = await office.post<Viewed>("/api/shelters", {
      name: `动作测试避难场所 ${seq}`,
      type: "park",
      class: "II",
      capacity: 500,
      lat: 39.95,
      lng: 116.5,
      ownerUnitId: "dept-chengguan",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    if (state !== "closed") {
      expect((await (await as("deputy")).post(`/api/shelters/${res.body.id}/open`, {})).status).toBe(200);
    }
    if (state === "occupied") {
      expect((await office.post(`/api/shelters/${res.body.id}/occupancy`, { occupancy: 20 })).status).toBe(
        200,
      );
    }
    return res.body.id;
  };
  const shelterAttempts: Record<string, Attempt> = {
    open: (c, id) => c.post(`/api/shelters/${id}/open`, {}),
    close: (c, id) => c.post(`/api/shelters/${id}/close`, {}),
    occupancy: (c, id) => c.post(`/api/shelters/${id}/occupancy`, { occupancy: 5 }),
  };

  for (const state of ["closed", "open", "occupied"] as const) {
    it.each([...USERS, "director"])(`shelters (${state}) as %s`, async (username) => {
      await checkActions(
        `shelter ${state}`,
        username,
        shelterIn(state),
        async (c, id) => (await c.get<Viewed>(`/api/shelters/${id}`)).body,
        shelterAttempts,
      );
    });
  }
});

describe("dispatches in each state (000 §6.7, another unit's supplies)", () => {
  let incidentId = "";
  let tents = "";
  beforeAll(async () => {
    incidentId = await testIncidentId(server, await as("duty"));
    const stock = await (await as("duty")).get<{
      items: { id: string; warehouseCode: string; supplyCode: string }[];
    }>("/api/stock?limit=100");
    tents =
      stock.body.items.find((s) => s.warehouseCode === "CK-QJ-001" && s.supplyCode === "WZ-002")?.id ?? "";
  });

  /** Steps that move a fresh request to each state, and who takes them. */
  const PATH: [string, string, string, Record<string, unknown>?][] = [
    ["review", "office_staff", "approve"],
    ["approve", "deputy", "approve"],
    ["approved", "office_staff", "approve"],
    ["dispatched", "office_staff", "dispatch"],
    ["arrived", "commander", "arrive"],
    ["returned", "commander", "return", { outcome: "returned" }],
  ];
  const make = (state: string) => async () => {
    const d = await (await as("chengguan")).post<Viewed>("/api/dispatches", {
      incidentId,
      resourceType: "stock",
      resourceId: tents,
      quantity: 1,
    });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    if (state === "rejected") {
      expect(
        (await (await as("office_staff")).post(`/api/dispatches/${d.body.id}/reject`, { reason: "测试" }))
          .status,
      ).toBe(200);
      return d.body.id;
    }
    for (const [reached, who, step, body] of PATH) {
      if (state === "requested") {
        break;
      }
      const res = await (await as(who)).post(`/api/dispatches/${d.body.id}/${step}`, body ?? {});
      expect(res.status, `${step} by ${who}: ${JSON.stringify(res.body)}`).toBe(200);
      if (reached === state) {
        break;
      }
    }
    return d.body.id;
  };
  const attempts: Record<string, Attempt> = {
    approve: (c, id) => c.post(`/api/dispatches/${id}/approve`, {}),
    reject: (c, id) => c.post(`/api/dispatches/${id}/reject`, { reason: "动作测试" }),
    dispatch: (c, id) => c.post(`/api/dispatches/${id}/dispatch`, {}),
    arrive: (c, id) => c.post(`/api/dispatches/${id}/arrive`, {}),
    return: (c, id) => c.post(`/api/dispatches/${id}/return`, { outcome: "returned" }),
  };

  // "requested" waits for 区应急办审核; "review" for 区应急委领导批准; "approve" for the office's order.
  for (const state of [
    "requested",
    "review",
    "approve",
    "approved",
    "dispatched",
    "arrived",
    "returned",
    "rejected",
  ]) {
    it.each([...USERS, "director"])(`dispatch (${state}) as %s`, async (username) => {
      await checkActions(
        `dispatch ${state}`,
        username,
        make(state),
        async (c, id) => (await c.get<Viewed>(`/api/dispatches/${id}`)).body,
        attempts,
      );
    });
  }

  it("offers the requester no sign-off and the administrator nothing", async () => {
    const id = await make("approve")();
    expect((await (await as("admin")).get<Viewed>(`/api/dispatches/${id}`)).body.allowedActions).toEqual([]);
    expect((await (await as("chengguan")).get<Viewed>(`/api/dispatches/${id}`)).body.allowedActions).toEqual([
      "reject",
    ]);
    expect((await (await as("duty")).get<Viewed>(`/api/dispatches/${id}`)).body.allowedActions).toEqual(
      expect.arrayContaining(["approve", "reject"]),
    );
  });
});
