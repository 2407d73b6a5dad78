/** Pure response rules against the shipped profiles, quoting the seed sections they implement. */
import { describe, expect, it } from "vitest";
import type { SessionUser } from "../../authz/principal.js";
import { loadActivePlan } from "../plans/active.js";
import { fills } from "../plans/index.js";
import {
  announcementText,
  checkActivation,
  checkLevelChange,
  checklistFor,
  decisionApplies,
  endRule,
  findResponseLevel,
  groupsFor,
  measureTitle,
  type ResponseCase,
  responsePartyCase,
} from "./rules.js";
import { situationDraft, timeliness } from "./situation.js";

/** The one resolver (plans/parties.ts) on a response's case. */
const userFillsParty = (
  p: ReturnType<typeof plan>,
  u: SessionUser,
  party: Parameters<typeof fills>[2],
  c: ResponseCase,
) => fills(p, u, party, responsePartyCase(c));

const chaoyang = loadActivePlan("chaoyang-2022");
const luolong = loadActivePlan("luolong");
const plan = (p: typeof chaoyang) => ({ profile: p.profile, org: p.org });

const gas: ResponseCase = {
  subtypeId: "gas",
  categoryId: "accident_disaster",
  grade: "larger",
  streetCode: "110105001",
  flags: [],
  receivedAt: new Date("2026-03-04T02:00:00Z"),
  occurredAt: new Date("2026-03-04T01:52:00Z"),
};

function user(overrides: Partial<SessionUser>): SessionUser {
  return {
    id: "u1",
    username: "u",
    displayName: "某人",
    unitId: "office",
    unitName: "区应急办",
    roles: ["office_staff"],
    categories: [],
    locale: "zh-CN",
    ...overrides,
  };
}

describe("000 §4.3.1: the response level follows the grade; another level needs a recorded reason", () => {
  const table: [string, string, string | undefined, boolean, string | null][] = [
    // grade, level, reason, justified, error path
    ["below_general", "level_iii", undefined, true, null],
    ["general", "level_ii", undefined, true, null],
    ["larger", "level_i", undefined, true, null],
    ["major", "level_i", undefined, true, null],
    ["especially_major", "level_i", undefined, true, null],
    ["general", "level_i", undefined, false, "reason"], // "有可能达到较大及以上" must be said
    ["general", "level_i", "根据事态发展，有可能达到较大级别", false, null],
    ["larger", "level_ii", undefined, false, "reason"],
    ["undetermined", "level_ii", undefined, false, "reason"], // 暂时无法判明: a person decides, with reason
    ["general", "level_9", "x", false, "level"],
  ];
  it.each(table)(
    "grade %s, level %s, reason %s → justified %s, error %s",
    (grade, level, reason, justified, path) => {
      const check = checkActivation(chaoyang.profile, grade, level, reason);
      expect(check.justified).toBe(justified);
      expect(check.errors[0]?.path ?? null).toBe(path);
    },
  );

  it("names the rule and the level the grade maps to", () => {
    const check = checkActivation(chaoyang.profile, "larger", "level_ii", undefined);
    expect(check.errors[0]?.message).toContain("按预案（000 §4.3.1, §8.1 第16项）对应“Ⅰ级指挥响应”");
    expect(check.errors[0]?.message).toContain("有可能达到一般级别");
  });

  it("Luolong: 一般 → district level; 较大 → the city is asked (002 §5.2)", () => {
    expect(checkActivation(luolong.profile, "general", "response_iv", undefined).justified).toBe(true);
    expect(checkActivation(luolong.profile, "larger", "response_iii", undefined).justified).toBe(true);
    expect(checkActivation(luolong.profile, "major", "response_i_ii", undefined).justified).toBe(true);
  });
});

describe("000 §4.3, §4.5: an upgrade goes up, a downgrade goes down", () => {
  it.each([
    ["upgrade", "level_ii", "level_i", null],
    ["upgrade", "level_i", "level_ii", "level"],
    ["upgrade", "level_ii", "level_ii", "level"],
    ["downgrade", "level_i", "level_ii", null],
    ["downgrade", "level_iii", "level_ii", "level"],
  ] as const)("%s %s → %s: error %s", (kind, from, to, path) => {
    expect(checkLevelChange(chaoyang.profile, kind, from, to)[0]?.path ?? null).toBe(path);
  });
});

describe("who fills a party of the profile", () => {
  const levelI = findResponseLevel(chaoyang.profile, "level_i");
  const levelII = findResponseLevel(chaoyang.profile, "level_ii");
  it("000 §4.3.1 Ⅰ级: 区应急委 — a committee member, not the office or the lead department", () => {
    const party = levelI?.activatedBy[0];
    if (!party) {
      throw new Error("no party");
    }
    expect(
      userFillsParty(
        plan(chaoyang),
        user({ unitId: "committee", roles: ["committee_director"] }),
        party,
        gas,
      ),
    ).toBe(true);
    expect(
      userFillsParty(plan(chaoyang), user({ unitId: "office", roles: ["office_director"] }), party, gas),
    ).toBe(false);
    expect(
      userFillsParty(plan(chaoyang), user({ unitId: "dept-chengguan", roles: ["dept_head"] }), party, gas),
    ).toBe(false);
    // The system administrator is no emergency authority, even in the committee's unit.
    expect(userFillsParty(plan(chaoyang), user({ unitId: "committee", roles: ["admin"] }), party, gas)).toBe(
      false,
    );
  });

  /**
   * 000 §4.3.1 Ⅱ级 “由区相关专项应急指挥部（或临时应急指挥部）启动应急机制”; §2.1.4 “区专项应急指挥部总指挥
   * 由分管区领导担任”, “除以上区专项应急指挥部外，如发生其他突发事件，由分管区领导和区委、区政府相关主责单位
   * 主要负责同志成立临时应急指挥部”; §2.1.5 办公室“负责组织落实本指挥部决定”.
   */
  const ACCIDENT = ["事故灾难"];
  const NATURE = ["自然灾害"];
  const rows: [string, string, Partial<SessionUser>, boolean][] = [
    // subtype (HQ), who, may start Ⅱ级
    [
      "gas (区城市公共设施事故应急指挥部)",
      "gas",
      { unitId: "committee", roles: ["district_leader"], categories: ACCIDENT },
      true,
    ],
    ["gas: its office head", "gas", { unitId: "dept-chengguan", roles: ["hq_office_head"] }, true],
    ["gas: another HQ's office head", "gas", { unitId: "dept-water", roles: ["hq_office_head"] }, false],
    [
      "gas: staff of the hosting department",
      "gas",
      { unitId: "dept-chengguan", roles: ["dept_staff"] },
      false,
    ],
    ["gas: head of the hosting department", "gas", { unitId: "dept-chengguan", roles: ["dept_head"] }, false],
    [
      "gas: a leader of another portfolio",
      "gas",
      { unitId: "committee", roles: ["district_leader"], categories: NATURE },
      false,
    ],
    [
      "snowstorm (临时): 分管区领导",
      "snowstorm",
      { unitId: "committee", roles: ["district_leader"], categories: NATURE },
      true,
    ],
    [
      "snowstorm: 主责单位主要负责同志",
      "snowstorm",
      { unitId: "dept-chengguan", roles: ["dept_head"] },
      true,
    ],
    ["snowstorm: 主责单位工作人员", "snowstorm", { unitId: "dept-chengguan", roles: ["dept_staff"] }, false],
    [
      "snowstorm: another department's head",
      "snowstorm",
      { unitId: "dept-water", roles: ["dept_head"] },
      false,
    ],
    [
      "snowstorm: an HQ office head (no special HQ)",
      "snowstorm",
      { unitId: "dept-chengguan", roles: ["hq_office_head"] },
      false,
    ],
    [
      "stampede (临时, 公安朝阳分局): its head",
      "stampede",
      { unitId: "dept-police", roles: ["dept_head"] },
      true,
    ],
    [
      "stampede: 区应急委副主任",
      "stampede",
      { unitId: "committee", roles: ["committee_deputy_director"] },
      false,
    ],
  ];
  it.each(rows)("000 §4.3.1 Ⅱ级, §2.1.4: %s", (_label, subtypeId, who, expected) => {
    const parties = levelII?.activatedBy ?? [];
    const c = { ...gas, subtypeId, grade: "general" };
    expect(parties.some((p) => userFillsParty(plan(chaoyang), user(who), p, c))).toBe(expected);
  });

  it("000 §4.4 gap: whoever the post names as 指挥长 acts as commander (Luolong's end is asked by 现场指挥部)", () => {
    const rule = endRule(luolong.profile, "larger", findResponseLevel(luolong.profile, "response_iii"));
    const party = rule?.by[0];
    if (!party) {
      throw new Error("no party");
    }
    const leader = user({ id: "l1", unitId: "committee", roles: ["district_leader"] });
    expect(userFillsParty(plan(luolong), leader, party, { ...gas, subtypeId: "safety_accident" })).toBe(
      false,
    );
    expect(
      userFillsParty(plan(luolong), leader, party, {
        ...gas,
        subtypeId: "safety_accident",
        commandPostUserIds: ["l1"],
      }),
    ).toBe(true);
    expect(rule?.approvedBy?.[0]?.label).toBe("区应急委");
  });
});

describe("the command post and the measures", () => {
  it("000 §4.4: Chaoyang has 7 groups, Luolong 13 (002 §5.4.3)", () => {
    expect(groupsFor(plan(chaoyang), gas)).toHaveLength(7);
    expect(
      groupsFor(plan(luolong), { ...gas, subtypeId: "safety_accident", streetCode: "410311002" }),
    ).toHaveLength(13);
  });

  it("000 §4.6: 15 measures for accidents and natural disasters, 11 for public health, 9 for social security", () => {
    expect(checklistFor(chaoyang.profile, "accident_disaster")).toHaveLength(15);
    expect(checklistFor(chaoyang.profile, "natural_disaster")).toHaveLength(15);
    expect(checklistFor(chaoyang.profile, "public_health")).toHaveLength(11);
    expect(checklistFor(chaoyang.profile, "social_security")).toHaveLength(9);
    expect(checklistFor(luolong.profile, "accident_disaster")).toHaveLength(12);
  });

  it("shortens a measure to its first clause", () => {
    expect(
      measureTitle("组织公民、法人和其他组织参与应急处置与救援工作，要求有特定专长的人员提供服务。"),
    ).toBe("组织公民、法人和其他组织参与应急处置与救援工作");
  });

  it("000 §4.3.2: the decision mechanism is for 较大及以上 (possible or actual)", () => {
    const levelI = findResponseLevel(chaoyang.profile, "level_i");
    expect(decisionApplies(chaoyang.profile, "larger", undefined)).toBe(true);
    expect(decisionApplies(chaoyang.profile, "general", undefined)).toBe(false);
    expect(decisionApplies(chaoyang.profile, "general", levelI)).toBe(true); // Ⅰ级 run for "可能达到较大"
  });

  it("announces name, location, roles, groups with their units and contacts (002 §5.4.3)", () => {
    const text = announcementText({
      incidentTitle: "某事件",
      post: { name: "现场指挥部", address: "某小学", contacts: "010-1" },
      roles: [{ name: "指挥长", holderName: "孙伟" }],
      groups: [{ name: "医疗救护组", leadNames: ["区卫生健康委"], memberNames: ["朝阳医院"] }],
    });
    expect(text).toContain("设置地点：某小学");
    expect(text).toContain("医疗救护组（牵头单位：区卫生健康委；成员单位：朝阳医院）");
    expect(text).toContain("联系方式：010-1");
  });
});

describe("000 §4.9: the end and the assessment", () => {
  it("一般 by the activating HQ office or department; 较大以上 by the activating unit; Luolong asks approval", () => {
    expect(endRule(chaoyang.profile, "general", undefined)?.by[0]?.scope).toBe("activating_unit");
    expect(endRule(chaoyang.profile, "larger", undefined)?.approvedBy).toBeUndefined();
    expect(endRule(luolong.profile, "larger", undefined)?.approvedBy).toHaveLength(1);
    // An undetermined grade follows the level being run.
    expect(
      endRule(chaoyang.profile, "undetermined", findResponseLevel(chaoyang.profile, "level_i"))?.source,
    ).toContain("000 §4.9");
  });
});

describe("timeliness of reporting", () => {
  it("reads met, late, missed, pending and cancelled deadlines with minutes", () => {
    const rows = timeliness(
      [
        {
          name: "初报",
          kind: "initial",
          round: 1,
          dueAt: "2026-01-01T00:10:00Z",
          state: "met",
          metAt: "2026-01-01T00:08:00Z",
          lateMinutes: 0,
        },
        {
          name: "详细",
          kind: "detailed",
          round: 1,
          dueAt: "2026-01-01T02:00:00Z",
          state: "met",
          metAt: "2026-01-01T02:15:00Z",
          lateMinutes: 15,
        },
        {
          name: "续报",
          kind: "continuing",
          round: 2,
          dueAt: "2026-01-01T01:00:00Z",
          state: "overdue",
          metAt: null,
          lateMinutes: null,
        },
        {
          name: "书面",
          kind: "written",
          round: 1,
          dueAt: "2026-01-01T09:00:00Z",
          state: "pending",
          metAt: null,
          lateMinutes: null,
        },
        {
          name: "城市",
          kind: "undetermined_grade",
          round: 1,
          dueAt: "2026-01-01T00:30:00Z",
          state: "cancelled",
          metAt: null,
          lateMinutes: null,
        },
      ],
      new Date("2026-01-01T03:00:00Z"),
    );
    expect(rows.map((r) => [r.name, r.verdict, r.minutes])).toEqual([
      ["初报", "on_time", 2],
      ["城市", "cancelled", null],
      ["续报（第 2 次）", "missed", 120],
      ["详细", "late", 15],
      ["书面", "pending", null],
    ]);
  });
});

describe("the 续报 draft (000 §4.1 required fields)", () => {
  it("fills every required field of the profile from current data", () => {
    const draft = situationDraft(chaoyang.profile, {
      title: "燃气爆炸",
      occurredAt: "2026-03-04T01:52:00Z",
      place: "建外街道",
      sourceLabel: "119 转警",
      description: "后厨爆炸",
      categoryName: "事故灾难",
      subtypeName: "燃气事故",
      gradeName: "较大",
      figures: { deaths: 3, injuries: 12 },
      figureLabels: { deaths: "死亡（人）", injuries: "受伤（人）" },
      responseLevelName: "Ⅰ级指挥响应",
      responseActivatedAt: "2026-03-04T02:15:00Z",
      postName: "现场指挥部",
      postAddress: "某小学",
      tasksDone: ["设立警戒区"],
      tasksOpen: ["搜救"],
      overdueTasks: 0,
      checkins: [{ kind: "team", name: "消防", quantity: 24 }],
      cordons: ["核心封控线"],
      decisions: [],
      signer: "",
      provider: "区应急办 王明",
      contact: "010-1",
    });
    expect(Object.keys(draft)).toEqual(chaoyang.profile.reporting.requiredFields.fields.map((f) => f.id));
    expect(draft.time).toBe("2026年3月4日 09时52分");
    expect(draft.casualties).toBe("死亡 3 人，受伤 12 人");
    expect(draft.measures_taken).toContain("2026年3月4日 10时15分启动Ⅰ级指挥响应");
    expect(draft.measures_taken).toContain("已完成：设立警戒区");
    expect(draft.signer).toBe("");
  });
});
