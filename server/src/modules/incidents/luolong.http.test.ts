/**
 * Luolong (seed 002 §3.3.2): the report to the district is due ≤1 h after the information is
 * verified — not after receipt — so no such deadline exists until verification starts its clock.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, startTestServer, type TestServer } from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";
import { deadline, getIncident, type IncidentDto } from "./support.js";

const clock = new ManualClock("2026-06-10T01:00:00Z");
let server: TestServer;
let duty: ApiClient;

beforeAll(async () => {
  server = await startTestServer({ plan: "luolong", clock });
  duty = await server.login("duty");
});
afterAll(() => server.close());

const MIN = 60_000;

function fields(): Record<string, string> {
  const meta = server.ctx.plan.profile.reporting.requiredFields.fields;
  return Object.fromEntries(meta.map((f) => [f.id, `${f.name}：已核实`]));
}

async function registerFire(): Promise<IncidentDto> {
  const res = await duty.post<IncidentDto>("/api/incidents", {
    title: "开元路某仓库火灾",
    subtypeId: "fire",
    occurredAt: new Date(clock.now().getTime() - 10 * MIN).toISOString(),
    sourceChannel: "119",
    divisionCode: "410311002",
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe("Luolong: report ≤1 h after verification (002 §3.3.2)", () => {
  it("numbers with the district's prefix and starts the 1 h clock only at verification", async () => {
    const inc = await registerFire();
    expect(inc.number).toMatch(/^LL-2026-\d{6}$/);
    expect(inc.deadlines.map((d) => d.ruleId)).not.toContain("initial_1h");

    clock.advanceMinutes(20);
    const verified = await duty.post<IncidentDto>(`/api/incidents/${inc.id}/verify`, {
      note: "消防大队现场核实",
    });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(deadline(verified.body, "initial_1h").dueAt).toBe(
      new Date(clock.now().getTime() + 60 * MIN).toISOString(),
    );
    expect((await duty.post(`/api/incidents/${inc.id}/verify`, {})).status).toBe(409);

    clock.advanceMinutes(50);
    const filed = await duty.post(`/api/incidents/${inc.id}/reports`, { kind: "initial", fields: fields() });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    expect(deadline(await getIncident(duty, inc.id), "initial_1h")).toMatchObject({
      state: "met",
      lateMinutes: 0,
    });
  });

  it("marks the report overdue 1 h after verification and late by the minutes when it comes", async () => {
    const inc = await registerFire();
    clock.advanceMinutes(5);
    await duty.post(`/api/incidents/${inc.id}/verify`, {});
    clock.advanceMinutes(61);
    await server.ctx.scheduler.runOnce(server.ctx);
    expect(deadline(await getIncident(duty, inc.id), "initial_1h").state).toBe("overdue");
    clock.advanceMinutes(9);
    await duty.post(`/api/incidents/${inc.id}/reports`, { kind: "initial", fields: fields() });
    expect(deadline(await getIncident(duty, inc.id), "initial_1h")).toMatchObject({
      state: "met",
      lateMinutes: 10,
    });
  });
});

describe("Luolong grading inputs (002 附件 一(三) 地震)", () => {
  it("asks for what the quake criteria read and suggests the level from the magnitude and the place", async () => {
    const meta = await duty.get<{
      categories: { subtypes: { id: string; grading: { metrics: string[]; flags: string[] } }[] }[];
    }>("/api/incidents/meta");
    const quake = meta.body.categories.flatMap((c) => c.subtypes).find((s) => s.id === "earthquake");
    expect(quake?.grading).toEqual({
      metrics: ["economic_loss_yuan", "magnitude"],
      flags: ["dense_urban_area", "outside_district"],
    });

    const body = {
      title: "城区发生4.3级地震",
      subtypeId: "earthquake",
      occurredAt: new Date(clock.now().getTime() - 3 * MIN).toISOString(),
      sourceChannel: "monitoring",
      divisionCode: "410311002",
      figures: { magnitude: 4.3 },
    };
    // 4.0–5.0 级 in a densely populated town area is 较大; elsewhere in the district it is 一般.
    const dense = await duty.post<IncidentDto>("/api/incidents", { ...body, flags: ["dense_urban_area"] });
    expect(dense.status, JSON.stringify(dense.body)).toBe(201);
    expect(dense.body.suggestedLevel).toMatchObject({ kind: "suggested", level: "larger" });
    const elsewhere = await duty.post<IncidentDto>("/api/incidents", body);
    expect(elsewhere.body.suggestedLevel).toMatchObject({ kind: "suggested", level: "general" });
  });
});
