/**
 * The one party resolver, walked over every scope × every demo user × every module context, on both
 * shipped profiles (issue 12: one expected answer each). Each row names the users who fill the party
 * in that context; every other demo user must not. The contexts are the ones the modules build for
 * the same event: a 燃气事故 (Chaoyang) / 群体性治安事件 (Luolong) in the demo street.
 */

import { describe, expect, it } from "vitest";
import type { Party } from "../../../../shared/plan/schema.js";
import { demoAccounts } from "../../demo/accounts.js";
import { incidentPartyCase } from "../incidents/index.js";
import { divisionsOf } from "../org/divisions.js";
import { dispatchPartyCase } from "../resources/index.js";
import { responsePartyCase } from "../response/index.js";
import { warningPartyCase } from "../warnings/index.js";
import { loadProfile } from "./loader.js";
import {
  actingUnit,
  EMERGENCY_OFFICE,
  fills,
  isEmergencyOffice,
  type PartyCase,
  type PlanData,
  partyCandidates,
  partyLabel,
  partyUnits,
} from "./parties.js";

type Ctx = "incident" | "warning" | "response" | "dispatch";
const CONTEXTS: Ctx[] = ["incident", "warning", "response", "dispatch"];

interface Setup {
  plan: PlanData;
  users: Map<string, { id: string; unitId: string; roles: string[]; categories: string[] }>;
  street: string;
  cases: Record<Ctx, PartyCase>;
}

function setup(profileName: string, subtypeId: string, hq: string | undefined): Setup {
  const { profile, org } = loadProfile(profileName);
  const firstStreet = divisionsOf(org.district.code).units.find(
    (u) => u.type !== "community" && u.type !== "village",
  );
  const categories = profile.taxonomy.categories.map((c) => c.name);
  const accounts = demoAccounts(org, firstStreet?.code, categories);
  const users = new Map(
    accounts.map((a) => [
      a.username,
      { id: a.username, unitId: a.unitId, roles: [...a.roles], categories: a.categories ?? [] },
    ]),
  );
  const dept = users.get("chengguan")?.unitId ?? "";
  const street = users.get("jianwai")?.unitId ?? "";
  return {
    plan: { profile, org },
    users,
    street,
    // Each module builds its own case from its own facts (the builders its door exports).
    cases: {
      // duty desk: the incident reported by the department, in the demo street.
      incident: incidentPartyCase({ subtype_id: subtypeId, street_code: street, reporter_unit_id: dept }),
      // warnings: the issuing unit, the streets of the area, the units the office authorised.
      warning: warningPartyCase({
        origin: "local",
        status: "draft",
        colour: "yellow",
        subtypeId,
        issuingUnitId: dept,
        drafterId: null,
        divisionCodes: [`${street}001`],
        authorisedUnitIds: hq ? [hq] : [],
        publicState: "none",
        pendingKind: null,
        pendingState: null,
        pendingColour: null,
        pendingById: null,
      }),
      // response: the street, the activating unit, everyone who took part, the post's named people.
      response: responsePartyCase({
        subtypeId,
        streetCode: street,
        activatingUnitId: hq ?? dept,
        participatingUnitIds: [dept, street],
        commandPostUserIds: ["chengguan_staff"],
      }),
      // dispatch: a street asking for another unit's team; sign-offs resolve for the requester.
      dispatch: dispatchPartyCase(
        { incidentSubtype: subtypeId, requestingUnitId: street, owningUnitId: "office" },
        "sign-off",
      ),
    },
  };
}

/** The twelve accounts of issue 2 (many tests use them), unchanged in role, unit and categories. */
const TWELVE: Record<string, [roles: string[], chaoyangUnit: string, categories: string[]]> = {
  admin: [["admin"], "office", []],
  duty: [["duty_officer"], "duty-room", []],
  office_staff: [["office_staff"], "office", []],
  office: [["office_director"], "office", []],
  chengguan: [["dept_head"], "dept-chengguan", []],
  chengguan_staff: [["dept_staff"], "dept-chengguan", []],
  hqoffice: [["hq_office_head"], "dept-chengguan", []],
  leader: [["district_leader"], "committee", ["事故灾难"]],
  deputy: [["committee_deputy_director"], "committee", []],
  director: [["committee_director"], "committee", []],
  jianwai: [["street_staff"], "110105001", []],
  commander: [["commander"], "office", []],
};
const ORIGINAL_UNIT_MEMBERS = [
  "duty",
  "office_staff",
  "office",
  "chengguan",
  "chengguan_staff",
  "hqoffice",
  "leader",
  "deputy",
  "director",
  "jianwai",
];
/** Issue 13: people of the departments the common workflows need, on both profiles. */
const DEPARTMENT_PEOPLE = [
  "water",
  "water_staff",
  "health",
  "health_staff",
  "police",
  "police_staff",
  "reform",
];
/** Issue 13: a district leader for each other category, a deputy director with a portfolio. */
const NEW_COMMITTEE = ["leader_nature", "leader_health", "leader_security", "deputy_incharge"];
/** Chaoyang only: 区气象局, and the head of every department hosting special-HQ offices but 区城管委. */
const CHAOYANG_ONLY = [
  "weather",
  "weather_staff",
  ...[
    "housing",
    "emergency",
    "sci_tech",
    "cyberspace",
    "traffic_police",
    "fire",
    "agriculture",
    "civil_defence",
    "ecology",
    "health",
    "police",
    "political_legal",
    "water",
  ].map((d) => `hqoffice_${d}`),
];
const DEPT = ["chengguan", "chengguan_staff", "hqoffice"];
const OFFICE = ["duty", "office_staff", "office"];
/** The office without its duty room (a party with `excludesDutyRoom`, e.g. the warning publisher). */
const PUBLISHER = ["office_staff", "office"];
const COMMITTEE = ["leader", "deputy", "director", ...NEW_COMMITTEE];
const NONE: string[] = [];
const CHAOYANG_MEMBERS = [...ORIGINAL_UNIT_MEMBERS, ...DEPARTMENT_PEOPLE, ...NEW_COMMITTEE, ...CHAOYANG_ONLY];
const LUOLONG_MEMBERS = [...ORIGINAL_UNIT_MEMBERS, ...DEPARTMENT_PEOPLE, ...NEW_COMMITTEE];

/** [party, who fills it in the incident, warning, response and dispatch contexts]. */
type Row = [string, Party, Record<Ctx, string[]>];
const same = (users: string[]): Record<Ctx, string[]> => ({
  incident: users,
  warning: users,
  response: users,
  dispatch: users,
});

/** Chaoyang, 燃气事故: lead 区城管委, HQ 区城市公共设施事故应急指挥部 (office in 区城管委), 事故灾难. */
const CHAOYANG: Row[] = [
  ["any unit member", { scope: "any" }, same(CHAOYANG_MEMBERS)],
  [
    "commander",
    { role: "commander" },
    {
      incident: ["commander"],
      warning: ["commander"],
      response: ["commander", "chengguan_staff"],
      dispatch: ["commander"],
    },
  ],
  ["区应急办 (unit)", { unit: "office" }, same(OFFICE)],
  ["区应急办 (scope)", EMERGENCY_OFFICE, same(OFFICE)],
  ["区应急办 without its duty room (unit)", { unit: "office", excludesDutyRoom: true }, same(PUBLISHER)],
  [
    "区应急办 without its duty room (scope)",
    { ...EMERGENCY_OFFICE, excludesDutyRoom: true },
    same(PUBLISHER),
  ],
  ["区应急委 (unit)", { unit: "committee" }, same(COMMITTEE)],
  ["区应急委 (scope)", { scope: "committee" }, same(COMMITTEE)],
  [
    "own unit",
    { scope: "own_unit" },
    { incident: DEPT, warning: DEPT, response: NONE, dispatch: ["jianwai"] },
  ],
  ["lead department", { scope: "lead_department" }, same(DEPT)],
  ["cooperating department", { scope: "cooperating_department" }, same(NONE)],
  ["special HQ", { scope: "hq" }, same(DEPT)],
  ["HQ office", { scope: "hq_office" }, same(DEPT)],
  ["HQ office or lead department", { scope: "responsible_unit" }, same(DEPT)],
  ["related departments", { scope: "related_department" }, same(DEPT)],
  // 燃气事故 is 事故灾难: `leader`, not the leaders of the other three categories.
  ["分管区领导", { role: "district_leader", scope: "in_charge_of_category" }, same(["leader"])],
  // `deputy` has no portfolio; `deputy_incharge` holds 自然灾害 and 事故灾难.
  [
    "区应急委分管该类事件的副主任",
    { role: "committee_deputy_director", scope: "in_charge_of_category" },
    same(["deputy_incharge"]),
  ],
  // 000 §3.3.1 第2项 区应急委主管领导: the deputy director 主管应急工作 (§2.1.1), whatever the category.
  ["区应急委主管领导", { role: "committee_deputy_director" }, same(["deputy", "deputy_incharge"])],
  [
    "street of the event",
    { scope: "street_in_area" },
    { incident: ["jianwai"], warning: ["jianwai"], response: ["jianwai"], dispatch: NONE },
  ],
  [
    "street staff there",
    { role: "street_staff", scope: "street_in_area" },
    { incident: ["jianwai"], warning: ["jianwai"], response: ["jianwai"], dispatch: NONE },
  ],
  ["key area", { scope: "key_area_in_area" }, same(NONE)],
  ["incident unit", { scope: "incident_unit" }, same(NONE)],
  [
    "activating unit",
    { scope: "activating_unit" },
    { incident: NONE, warning: NONE, response: DEPT, dispatch: NONE },
  ],
  [
    "participating units",
    { scope: "participating_units" },
    { incident: NONE, warning: NONE, response: [...DEPT, "jianwai"], dispatch: NONE },
  ],
  ["affected areas", { scope: "affected_areas" }, same(NONE)],
  ["区应急委主任", { role: "committee_director" }, same(["director"])],
  ["区应急办工作人员", { role: "office_staff", unit: "office" }, same(["office_staff"])],
  ["主责部门负责人", { role: "dept_head", scope: "lead_department" }, same(["chengguan"])],
  // Only 区城管委's HQ-office head: the other hqoffice_* host other HQs' offices.
  ["专项指挥部办公室负责人", { role: "hq_office_head", scope: "hq_office" }, same(["hqoffice"])],
  // 000 §6.2 “通过该队伍行业主管部门…协调调度”: the dispatched resource's unit (here 区应急办's own).
  [
    "resource owner",
    { scope: "resource_owner" },
    { incident: NONE, warning: NONE, response: NONE, dispatch: OFFICE },
  ],
  [
    "authorised HQ office",
    { scope: "hq_office", authorisedBy: "office" },
    { incident: NONE, warning: DEPT, response: NONE, dispatch: NONE },
  ],
];

/** Luolong, 群体性治安事件: lead 区政法委 (the demo department), no special HQ, 社会安全事件. */
const LUOLONG: Row[] = [
  ["any unit member", { scope: "any" }, same(LUOLONG_MEMBERS)],
  [
    "commander",
    { role: "commander" },
    {
      incident: ["commander"],
      warning: ["commander"],
      response: ["commander", "chengguan_staff"],
      dispatch: ["commander"],
    },
  ],
  ["区应急办 (unit)", { unit: "office" }, same(OFFICE)],
  ["区应急办 (scope)", EMERGENCY_OFFICE, same(OFFICE)],
  ["区应急办 without its duty room (unit)", { unit: "office", excludesDutyRoom: true }, same(PUBLISHER)],
  ["区应急委 (unit)", { unit: "committee" }, same(COMMITTEE)],
  [
    "own unit",
    { scope: "own_unit" },
    { incident: DEPT, warning: DEPT, response: NONE, dispatch: ["jianwai"] },
  ],
  ["lead department", { scope: "lead_department" }, same(DEPT)],
  // 群体性治安事件 is handled with 区信访局 and the three police sub-bureaus: `police` sits in 洛龙公安分局.
  ["cooperating department", { scope: "cooperating_department" }, same(["police", "police_staff"])],
  // 002 has no temporary HQ; the profile's fallback (002 §2.4, §5.4.3) is the committee through its office.
  ["no special HQ: the fallback's formers", { scope: "hq" }, same(["director", ...OFFICE])],
  ["the fallback's 区应急委主任", { role: "committee_director", scope: "hq" }, same(["director"])],
  ["HQ office (none)", { scope: "hq_office" }, same(NONE)],
  ["lead department as responsible unit", { scope: "responsible_unit" }, same(DEPT)],
  ["related departments", { scope: "related_department" }, same([...DEPT, "police", "police_staff"])],
  // `leader` is in charge of 事故灾难; 社会安全事件 is `leader_security`'s.
  ["分管区领导", { role: "district_leader", scope: "in_charge_of_category" }, same(["leader_security"])],
  // Neither deputy director holds 社会安全事件.
  ["区应急委主管领导", { role: "committee_deputy_director", scope: "in_charge_of_category" }, same(NONE)],
  [
    "street of the event",
    { scope: "street_in_area" },
    { incident: ["jianwai"], warning: ["jianwai"], response: ["jianwai"], dispatch: NONE },
  ],
  ["incident unit", { scope: "incident_unit" }, same(NONE)],
  [
    "activating unit",
    { scope: "activating_unit" },
    { incident: NONE, warning: NONE, response: DEPT, dispatch: NONE },
  ],
  [
    "participating units",
    { scope: "participating_units" },
    { incident: NONE, warning: NONE, response: [...DEPT, "jianwai"], dispatch: NONE },
  ],
  ["区应急委主任", { role: "committee_director", unit: "committee" }, same(["director"])],
  ["区应急办主任", { role: "office_director", unit: "office" }, same(["office"])],
  ["主责部门负责人", { role: "dept_head", scope: "lead_department" }, same(["chengguan"])],
  [
    "resource owner",
    { scope: "resource_owner" },
    { incident: NONE, warning: NONE, response: NONE, dispatch: OFFICE },
  ],
];

const PROFILES: [string, string, string | undefined, Row[], string[]][] = [
  ["chaoyang-2022", "gas", "hq-public-facilities", CHAOYANG, CHAOYANG_MEMBERS],
  ["luolong", "mass_incident", undefined, LUOLONG, LUOLONG_MEMBERS],
];

describe.each(PROFILES)("parties on %s", (profileName, subtypeId, hq, rows, members) => {
  const s = setup(profileName, subtypeId, hq);

  it("has the twelve demo accounts of issue 2 and the issue-13 ones", () => {
    expect([...s.users.keys()].sort()).toEqual([...members, "admin", "commander"].sort());
  });

  it("keeps the twelve's roles, units and categories", () => {
    for (const [name, [roles, unit, categories]] of Object.entries(TWELVE)) {
      const u = s.users.get(name);
      expect(u?.roles, name).toEqual(roles);
      expect(u?.categories, name).toEqual(categories);
      if (profileName === "chaoyang-2022") {
        expect(u?.unitId, name).toBe(unit);
      }
    }
  });

  describe.each(CONTEXTS)("in the %s context", (ctx) => {
    it.each(rows)("%s", (_label, party, expected) => {
      const filling = [...s.users.entries()]
        .filter(([, u]) => fills(s.plan, { ...u, roles: u.roles as never }, party, s.cases[ctx]))
        .map(([name]) => name)
        .sort();
      expect(filling).toEqual([...expected[ctx]].sort());
    });
  });
});

describe("the readings the issue found in disagreement", () => {
  const s = setup("chaoyang-2022", "gas", "hq-public-facilities");
  const user = (name: string) => {
    const u = s.users.get(name);
    if (!u) {
      throw new Error(name);
    }
    return { ...u, roles: u.roles as never };
  };

  it("never lets the system administrator fill a party, not even 区应急办 whose unit he sits in", () => {
    // 000 §6.7 下达应急物资调拨指令 by 区应急办: the admin signed it before.
    const order: Party = { unit: "office", label: "区应急办" };
    expect(fills(s.plan, user("admin"), order, s.cases.dispatch)).toBe(false);
    expect(isEmergencyOffice(s.plan, user("admin"))).toBe(false);
    const both = { ...user("admin"), roles: ["admin", "office_staff"] as never };
    expect(fills(s.plan, both, order, s.cases.dispatch)).toBe(true);
  });

  it("lets the HQ-office head act for the HQ whose office his department hosts, in every context", () => {
    const asHq: PartyCase = { subtypeId: "gas", ownUnitId: "hq-public-facilities" };
    for (const c of [asHq, s.cases.warning, s.cases.response]) {
      expect(fills(s.plan, user("hqoffice"), { scope: "hq_office" }, c)).toBe(true);
    }
    expect(fills(s.plan, user("hqoffice"), { scope: "own_unit" }, asHq)).toBe(true);
    expect(actingUnit(s.plan, user("hqoffice"), [{ scope: "own_unit" }], asHq)).toBe("hq-public-facilities");
  });

  it("lets no district leader through a category-scoped step when the matter has no category", () => {
    const leaderStep: Party = { role: "district_leader", scope: "in_charge_of_category" };
    expect(fills(s.plan, user("leader"), leaderStep, { ownUnitId: s.street })).toBe(false);
    expect(fills(s.plan, user("leader"), leaderStep, { subtypeId: "rainstorm" })).toBe(false);
    expect(fills(s.plan, user("leader"), leaderStep, { subtypeId: "gas" })).toBe(true);
  });

  it("lets the duty room act for the office except where a party excludes it (000 §2.1.3 vs §3.3.1)", () => {
    // 000 §2.1.3: 以区委区政府总值班室名义，负责统一接收、研判和处理全区各类突发事件信息 — intake: yes.
    const intake = s.plan.profile.reporting.deadlines.flatMap((d) => d.to).find((p) => p.unit === "office");
    expect(intake && fills(s.plan, user("duty"), intake, s.cases.incident)).toBe(true);
    expect(isEmergencyOffice(s.plan, user("duty"))).toBe(true);
    // 000 §3.3.1 第2项: 由区应急办（区突发事件预警信息发布中心）报请…发布和解除 — the publisher: no.
    const orange = s.plan.profile.warnings.authority.find(
      (a) => a.origin === "local" && a.colours.includes("orange"),
    );
    const steps = [orange?.publish?.by, orange?.lift?.by, orange?.adjust?.by, orange?.approve?.via];
    for (const parties of steps) {
      const office = parties?.find((p) => p.unit === "office");
      expect(office?.excludesDutyRoom).toBe(true);
      expect(office && fills(s.plan, user("duty"), office, s.cases.warning)).toBe(false);
      expect(office && fills(s.plan, user("office_staff"), office, s.cases.warning)).toBe(true);
    }
    const release = s.plan.profile.warnings.publicPublisher?.by ?? [];
    expect(release.some((p) => fills(s.plan, user("duty"), p, s.cases.warning))).toBe(false);
    const c = partyCandidates(s.plan, [{ unit: "office", excludesDutyRoom: true }], {});
    expect(c.unitIds).toEqual(["office"]);
  });

  it("names the users to ask the directory for: roles named, units and those acting for them", () => {
    const c = partyCandidates(
      s.plan,
      [{ unit: "office" }, { role: "committee_director" }, { scope: "hq_office" }],
      {
        subtypeId: "gas",
      },
    );
    expect(c.roles).toEqual(["committee_director"]);
    expect(c.unitIds.sort()).toEqual(["dept-chengguan", "duty-room", "hq-public-facilities", "office"]);
  });

  it("points a party at the units of the case", () => {
    const c: PartyCase = { subtypeId: "gas", ownUnitId: "dept-chengguan", streetCodes: ["110105001"] };
    expect(partyUnits(s.plan, { scope: "responsible_unit" }, c)).toEqual([
      "hq-public-facilities",
      "dept-chengguan",
    ]);
    expect(partyUnits(s.plan, { scope: "street_in_area" }, c)).toEqual(["110105001"]);
    expect(partyUnits(s.plan, { unit: "office" }, c)).toEqual(["office"]);
    expect(partyUnits(s.plan, { role: "district_leader", scope: "in_charge_of_category" }, c)).toEqual([]);
    expect(partyUnits(s.plan, { scope: "related_department", unitType: "special_hq" }, c)).toEqual([]);
  });

  it("labels a party in Chinese, with the units it is for this matter", () => {
    const name = (id: string) => (id === "dept-chengguan" ? "区城管委" : id);
    expect(partyLabel(s.plan, { scope: "lead_department" }, s.cases.warning, name)).toBe(
      "主责部门（本事件：区城管委）",
    );
    expect(partyLabel(s.plan, { role: "committee_director", unit: "committee" })).toBe("区应急委主任");
    expect(partyLabel(s.plan, { role: "dept_head", scope: "lead_department", label: "主责部门负责人" })).toBe(
      "主责部门负责人",
    );
  });
});

/**
 * 000 §2.1.4 “除以上区专项应急指挥部外，如发生其他突发事件，由分管区领导和区委、区政府相关主责单位主要
 * 负责同志成立临时应急指挥部”: for a subtype without a special HQ, `hq` is that temporary HQ (the
 * profile's taxonomy.fallback.formedBy), never every member of the lead unit.
 */
describe("the temporary HQ of 000 §2.1.4 (Chaoyang subtypes without a special HQ)", () => {
  const s = setup("chaoyang-2022", "snowstorm", undefined);
  const who = (party: Party, c: PartyCase) =>
    [...s.users.entries()]
      .filter(([, u]) => fills(s.plan, { ...u, roles: u.roles as never }, party, c))
      .map(([name]) => name)
      .sort();
  // [subtype, party, who fills it]: 暴雪 is 区城管委's (the demo department) and 自然灾害, whose leader
  // is `leader_nature`; `leader` is in charge of 事故灾难 (城市轨道交通, lead 区交通委: no account there).
  const rows: [string, Party, string[]][] = [
    ["snowstorm", { scope: "hq" }, ["chengguan", "leader_nature"]],
    ["snowstorm", { role: "dept_head", scope: "hq" }, ["chengguan"]],
    ["snowstorm", { role: "district_leader", scope: "hq" }, ["leader_nature"]],
    ["snowstorm", { role: "dept_staff", scope: "hq" }, []],
    ["urban_rail_transit", { scope: "hq" }, ["leader"]],
    ["urban_rail_transit", { role: "district_leader", scope: "hq" }, ["leader"]],
    ["gas", { scope: "hq" }, ["chengguan", "chengguan_staff", "hqoffice"]],
  ];
  it.each(rows)("%s: %j", (subtypeId, party, expected) => {
    expect(who(party, { subtypeId })).toEqual(expected);
  });

  it("points the temporary HQ at the lead unit, and asks the directory for its formers", () => {
    expect(partyUnits(s.plan, { scope: "hq" }, { subtypeId: "snowstorm" })).toEqual(["dept-chengguan"]);
    const c = partyCandidates(s.plan, [{ scope: "hq" }], { subtypeId: "snowstorm" });
    expect(c.roles.sort()).toEqual(["dept_head", "district_leader"]);
  });
});
