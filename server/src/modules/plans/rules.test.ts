import { describe, expect, it } from "vitest";
import type { IncidentFlag, WarningColour, WarningOrigin } from "../../../../shared/plan/schema.js";
import { ManualClock } from "../../clock.js";
import { loadProfile } from "./loader.js";
import { instructionFeedbackDeadlines, overdueReports, reportingDeadlines } from "./reporting.js";
import {
  assessmentDeadlines,
  compareLevels,
  cooperatingDepartments,
  dispatchApproval,
  endDeclarers,
  type Figures,
  type IncidentFacts,
  leadDepartments,
  levelAtLeast,
  levelBelow,
  levelMatchesPhrase,
  measuresFor,
  responseLevelFor,
  specialResponseCase,
  suggestLevel,
  warningAuthority,
  warningExclusion,
  warningResponse,
  workingGroups,
} from "./rules.js";

const { profile, org } = loadProfile("chaoyang-2022");
const mini = loadProfile(new URL("./testdata/minimal.yaml", import.meta.url).pathname).profile;

const at = (iso: string) => new Date(iso);
const roles = (parties: readonly { role?: string }[] | undefined) => (parties ?? []).map((p) => p.role);

describe("lead and cooperating departments (000 §2.7)", () => {
  const cases: [subtype: string, lead: string[], quote: string][] = [
    ["gas", ["dept-chengguan"], "（7）区城管委：燃气事故、供热事件、供电事件、市政管线事故。"],
    ["road_traffic", ["dept-traffic-police"], "（5）朝阳交通支队：道路交通事故。"],
    ["fire", ["dept-fire"], "（3）朝阳消防救援支队：火灾事故。"],
    ["earthquake", ["dept-earthquake"], "（4）区地震局：地震（破坏性地震）。"],
    ["hazardous_chemicals", ["dept-emergency"], "（1）区应急局：危险化学品事故、铁路行车事故。"],
    // （1）区应急局：…水灾干旱（水灾、暴雨）…  （2）区水务局：水灾、暴雨。 — both are named.
    ["flood", ["dept-emergency", "dept-water"], "（2）区水务局：水灾、暴雨。"],
    [
      "news_opinion",
      ["dept-publicity", "dept-cyberspace"],
      "（7）区委宣传部、区委网信办：新闻及网络舆情事件。",
    ],
    ["foreign_related", ["dept-foreign-affairs"], "（6）区外办：涉外突发事件。"],
    ["infectious_disease", ["dept-health"], "（1）区卫生健康委：传染病事件…"],
    ["mass_incident", ["dept-police"], "（1）公安朝阳分局：民用爆炸物事故、群体性事件…"],
  ];
  it.each(cases)("%s → %j", (subtype, lead) => {
    expect(leadDepartments(profile, subtype)).toEqual(lead);
  });

  it("every subtype of §2.7 has a lead department; about 60 subtypes in four categories", () => {
    const subtypes = profile.taxonomy.categories.flatMap((c) => c.subtypes);
    expect(profile.taxonomy.categories.map((c) => c.name)).toEqual([
      "自然灾害",
      "事故灾难",
      "公共卫生事件",
      "社会安全事件",
    ]);
    expect(subtypes.length).toBeGreaterThanOrEqual(60);
    expect(subtypes.filter((s) => s.lead.length === 0)).toEqual([]);
  });

  it("cooperating departments come from special plans not in the seed, so none are invented", () => {
    // 000 §2.7: 专项应急预案规定的参与处置部门为协作部门
    expect(cooperatingDepartments(profile, "gas")).toEqual([]);
  });

  it("throws on an unknown subtype", () => {
    expect(() => leadDepartments(profile, "nope")).toThrow("预案中没有事件子类");
  });
});

describe("grades, 以上 and 以下 (000 §8.1 item 16)", () => {
  // 16.本预案中表述突发事件级别“以上”的，为含本级别，表述“以下”的，为不含本级别。
  const cases: [
    level: string,
    threshold: string,
    phrase: "以上" | "以下" | "及以上" | "及以下",
    expected: boolean,
  ][] = [
    ["larger", "larger", "以上", true], // 较大以上 includes 较大
    ["major", "larger", "以上", true],
    ["general", "larger", "以上", false],
    ["general", "general", "以下", false], // 一般以下 excludes 一般
    ["below_general", "general", "以下", true],
    ["general", "larger", "以下", true], // 较大以下 (§4.3.1 city-owned) = 一般 and below
    ["larger", "larger", "以下", false],
    ["larger", "larger", "及以下", true], // 较大及以下 (§2.1.2) is inclusive by wording
    ["undetermined", "general", "以上", false], // not yet determinable is not "at least" anything
    ["undetermined", "general", "以下", false],
  ];
  it.each(cases)("%s vs %s%s → %s", (level, threshold, phrase, expected) => {
    expect(levelMatchesPhrase(profile, level, threshold, phrase)).toBe(expected);
  });

  it("levelAtLeast / levelBelow / compareLevels", () => {
    expect(levelAtLeast(profile, "especially_major", "larger")).toBe(true);
    expect(levelBelow(profile, "below_general", "general")).toBe(true);
    expect(compareLevels(profile, "general", "larger")).toBeLessThan(0);
    expect(compareLevels(profile, "below_general", "general")).toBeLessThan(0);
    expect(() => compareLevels(profile, "undetermined", "general")).toThrow();
  });

  it("小于一般 and 暂时无法判明等级 are distinct states", () => {
    expect(profile.grading.belowLowest?.name).toBe("小于一般");
    expect(profile.grading.undetermined?.name).toBe("暂时无法判明等级");
    expect(profile.grading.belowLowest?.id).not.toBe(profile.grading.undetermined?.id);
  });
});

describe("suggestLevel", () => {
  // 000 §1.2.4: "除法律、法规、规章另有规定外…具体事件等级标准依照相应国家级专项应急预案、国家有关部门应急预案执行"
  // — the national thresholds are encoded with their source (issue 13 item 10).
  const national: [subtype: string, figures: Figures, level: string | undefined, quote: string][] = [
    // 《生产安全事故报告和调查处理条例》第三条 (三): "较大事故，是指造成3人以上10人以下死亡…"
    ["construction", { deaths: 4 }, "larger", "3人以上10人以下死亡"],
    ["hazardous_chemicals", { deaths: 3 }, "larger", "“以上”包括本数"],
    ["hazardous_chemicals", { deaths: 10 }, "major", "10人以上30人以下死亡；“以下”不包括本数"],
    ["gas", { deaths: 30 }, "especially_major", "30人以上死亡"],
    ["construction", { deaths: 0, serious_injuries: 50 }, "major", "50人以上100人以下重伤"],
    ["construction", { deaths: 1, serious_injuries: 9 }, "general", "3人以下死亡，或者10人以下重伤"],
    ["road_traffic", { economic_loss_yuan: 100_000_000 }, "especially_major", "1亿元以上直接经济损失"],
    ["road_traffic", { economic_loss_yuan: 49_999_999 }, "larger", "1000万元以上5000万元以下直接经济损失"],
    // 公消〔2007〕234号: fire grades on the same figures
    ["fire", { deaths: 4 }, "larger", "火灾 3人以上10人以下死亡"],
    ["fire", { deaths: 12 }, "major", "火灾 10人以上30人以下死亡"],
    // 第二条 "造成人身伤亡或者直接经济损失": nothing reported → a person grades it
    ["construction", { deaths: 0, serious_injuries: 0, economic_loss_yuan: 0 }, undefined, "无伤亡、无损失"],
    // Subtypes whose national scale has more than casualties and losses are left to a person.
    ["railway_traffic", { deaths: 4 }, undefined, "铁路交通事故另有中断行车等条款"],
  ];
  it.each(national)("Chaoyang %s %o → %s (%s)", (subtype, figures, level) => {
    const result = suggestLevel(profile, subtype, figures);
    if (level === undefined) {
      expect(result).toMatchObject({ kind: "not_determinable", state: "undetermined" });
    } else {
      expect(result).toMatchObject({ kind: "suggested", level });
      expect(result.kind === "suggested" ? result.matched[0]?.source : "").toMatch(
        /第493号令|公消〔2007〕234号/,
      );
    }
  });

  const cases: [deaths: number | undefined, expected: string | undefined][] = [
    [35, "especially_major"],
    [30, "especially_major"], // min is inclusive
    [12, "major"],
    [10, "major"],
    [3, "larger"],
    [2, "general"],
    [undefined, undefined],
  ];
  it.each(cases)("minimal profile, deaths %s → %s", (deaths, expected) => {
    const result = suggestLevel(mini, "fire", deaths === undefined ? {} : { deaths });
    if (expected === undefined) {
      expect(result.kind).toBe("not_determinable");
    } else {
      expect(result).toMatchObject({ kind: "suggested", level: expected });
      expect(result.kind === "suggested" ? result.matched[0]?.value : undefined).toBe(deaths);
    }
  });
});

describe("reporting deadlines (000 §4.1)", () => {
  const base: IncidentFacts = {
    subtypeId: "gas",
    level: "general",
    occurredAt: at("2025-03-01T08:00:00+08:00"),
    receivedAt: at("2025-03-01T09:00:00+08:00"),
  };
  const due = (incident: Partial<IncidentFacts>) =>
    Object.fromEntries(reportingDeadlines(profile, { ...base, ...incident }).map((d) => [d.id, d]));

  it("initial ≤10 min after receipt; detailed ≤2 h after occurrence", () => {
    // 信息初报最迟不得晚于接报后10分钟，详细信息最迟不得晚于事件发生后2小时报送。
    const d = due({});
    expect(d.initial?.clockStart).toBe("receipt");
    expect(d.initial?.dueAt).toEqual(at("2025-03-01T09:10:00+08:00"));
    expect(d.detailed?.clockStart).toBe("occurrence");
    expect(d.detailed?.dueAt).toEqual(at("2025-03-01T10:00:00+08:00"));
    // 应及时向区相关专项应急指挥部办公室或相关部门、有关单位和区应急办报告
    expect(d.initial?.recipients.map((r) => r.unit ?? r.scope)).toEqual(["responsible_unit", "office"]);
    expect(Object.keys(d).sort()).toEqual([
      "detailed",
      "initial",
      "office_notifies_on_leader_report",
      "publicity_with_report",
    ]);
  });

  it("notifies 区委宣传部 at the same time as the initial report", () => {
    // 同时通报区委宣传部等相关部门
    const n = due({}).publicity_with_report;
    expect(n?.recipients[0]?.unit).toBe("dept-publicity");
    expect(n?.dueAt).toEqual(at("2025-03-01T09:10:00+08:00"));
  });

  const immediateCases: [what: string, incident: Partial<IncidentFacts>, expected: boolean][] = [
    // 对于能够判定为较大及以上突发事件等级的 … 要立即报告区应急办
    ["较大", { level: "larger" }, true],
    ["特别重大", { level: "especially_major" }, true],
    ["一般", {}, false],
    // 以及事件本身比较重要
    ["important", { flags: ["important"] }, true],
    // 或者发生在重点地区、特殊时期，可能产生较大影响的
    ["key area only", { flags: ["key_area"] }, false],
    ["key area + major impact", { flags: ["key_area", "major_impact"] }, true],
    ["special period + major impact", { flags: ["special_period", "major_impact"] }, true],
    // foreign involvement triggers a notification, not the immediate report
    ["foreign only", { flags: ["foreign"] }, false],
  ];
  it.each(immediateCases)("immediate report to the office: %s → %s", (_what, incident, expected) => {
    const d = due(incident);
    expect(d.immediate_to_office !== undefined).toBe(expected);
    expect(d.office_notifies_sensitive !== undefined).toBe(expected);
    if (expected) {
      expect(d.immediate_to_office?.dueAt).toEqual(base.receivedAt);
      // 详细信息最迟不得晚于事件发生后2小时报送 — still 2 h for these
      expect(d.detailed?.dueAt).toEqual(at("2025-03-01T10:00:00+08:00"));
      // 同时由区应急办通报区委宣传部、区委网信办及相关职能部门，并报相关区领导
      expect(d.office_notifies_sensitive?.recipients.map((r) => r.unit ?? r.role ?? r.scope)).toEqual([
        "dept-publicity",
        "dept-cyberspace",
        "related_department",
        "district_leader",
      ]);
    }
  });

  it("grade not yet determinable → verify and report to the city ≤30 min after receipt", () => {
    // 对于暂时无法判明等级的突发事件，应迅速核实，最迟不晚于接报后30分钟向市应急办报告。
    const d = due({ level: "undetermined" });
    expect(d.undetermined_to_city?.clockStart).toBe("receipt");
    expect(d.undetermined_to_city?.dueAt).toEqual(at("2025-03-01T09:30:00+08:00"));
    expect(d.undetermined_to_city?.recipients[0]?.unit).toBe("ext-city-office");
    // 小于一般 is a different state: no 30-minute city report
    expect(due({ level: "below_general" }).undetermined_to_city).toBeUndefined();
  });

  it("重大/特别重大 in progress → continuing report every 30 min until handling ends", () => {
    // 对于仍在处置过程中的重大、特别重大突发事件，每30分钟续报一次…直到应急处置结束。
    const first = due({ level: "major" }).continuing;
    expect(first?.clockStart).toBe("previous_report");
    expect(first?.recurrenceMinutes).toBe(30);
    expect(first?.dueAt).toEqual(at("2025-03-01T09:30:00+08:00"));
    const later = due({
      level: "especially_major",
      previousReportAt: at("2025-03-01T10:15:00+08:00"),
    }).continuing;
    expect(later?.dueAt).toEqual(at("2025-03-01T10:45:00+08:00"));
    expect(due({ level: "larger" }).continuing).toBeUndefined();
    expect(
      due({ level: "major", handlingEndedAt: at("2025-03-01T12:00:00+08:00") }).continuing,
    ).toBeUndefined();
  });

  const foreignCases: [IncidentFlag][] = [["foreign"], ["hk_macao_taiwan"]];
  it.each(foreignCases)("%s → notify 区台办 AND 区外办 immediately and together", (flag) => {
    // 应立即同时通报区台办、区外办。
    const n = due({ flags: [flag] }).foreign_taiwan;
    expect(n?.recipients.map((r) => r.unit)).toEqual(["dept-taiwan", "dept-foreign-affairs"]);
    expect(n?.together).toBe(true);
    expect(n?.dueAt).toEqual(base.receivedAt);
  });

  it("district → city only after a committee leader approves", () => {
    // 区应急办…在报请区应急委相关领导批准后，按规定及时向市应急办（市应急指挥中心）报告。
    expect(roles(profile.reporting.upward?.approvedBy)).toEqual([
      "committee_director",
      "committee_deputy_director",
    ]);
    expect(profile.reporting.upward?.to[0]?.unit).toBe("ext-city-office");
  });

  it("required report fields: 12 main + 3 auxiliary", () => {
    const fields = profile.reporting.requiredFields.fields;
    expect(fields.filter((f) => !f.auxiliary).map((f) => f.name)).toEqual([
      "时间",
      "地点",
      "信息来源",
      "原因",
      "事件类别",
      "人员伤亡情况",
      "损失情况",
      "影响范围",
      "危险程度",
      "发展趋势",
      "潜在次生灾害",
      "已采取的措施",
    ]);
    expect(fields.filter((f) => f.auxiliary).map((f) => f.name)).toEqual([
      "签发人",
      "信息提供者或单位",
      "联系方式",
    ]);
  });

  it("overdueReports reads now from the clock", () => {
    const reports = reportingDeadlines(profile, base);
    const clock = new ManualClock("2025-03-01T09:11:00+08:00");
    expect(overdueReports(reports, new Set(), clock).map((r) => r.id)).toEqual([
      "initial",
      "publicity_with_report",
    ]);
    expect(overdueReports(reports, new Set(["initial", "publicity_with_report"]), clock)).toEqual([]);
    clock.advanceMinutes(50);
    expect(
      overdueReports(reports, new Set(["initial", "publicity_with_report"]), clock).map((r) => r.id),
    ).toEqual(["detailed"]);
  });

  it("Chaoyang sets no leader-instruction feedback deadlines (Wuqing does, 004)", () => {
    expect(instructionFeedbackDeadlines(profile, base.receivedAt)).toEqual([]);
  });
});

describe("warning authority (000 §3.3.1)", () => {
  const cases: [
    origin: WarningOrigin,
    colour: WarningColour,
    action: "approve" | "publish" | "lift",
    expected: string[],
  ][] = [
    // 我区域内蓝色、黄色预警，由区相关专项应急指挥部办公室或部门报主管区领导批准后，负责发布和解除
    ["local", "blue", "approve", ["district_leader:in_charge_of_category"]],
    ["local", "yellow", "publish", ["-:responsible_unit"]],
    ["local", "yellow", "lift", ["-:responsible_unit"]],
    // 橙色预警…由区应急办分别报请区应急委主管或主要领导批准后，由区应急办或授权区专项应急指挥部办公室、区相关部门发布和解除
    [
      "local",
      "orange",
      "approve",
      // 区应急委主管领导 = the deputy director 主管应急工作 (000 §2.1.1), not one scoped by category.
      ["committee_deputy_director:-", "committee_director:-"],
    ],
    ["local", "orange", "publish", ["-:-@office", "-:hq_office", "-:related_department"]],
    // 红色预警…由区应急办报请区应急委主任批准后，由区应急办负责发布和解除
    ["local", "red", "approve", ["committee_director:-"]],
    ["local", "red", "publish", ["-:-@office"]],
    ["local", "red", "lift", ["-:-@office"]],
    // 市有关部门发布的涉及我区的蓝色、黄色预警，由区相关专项应急指挥部办公室或部门报本单位主要领导后直接转发落实
    ["relayed", "blue", "approve", ["hq_office_head:own_unit", "dept_head:own_unit"]],
    // 橙色预警由区相关专项应急指挥部办公室或部门报区主管领导后直接转发
    ["relayed", "orange", "approve", ["district_leader:in_charge_of_category"]],
    // 红色预警由区应急办（区突发事件预警信息发布中心）报区应急委主任后直接转发
    ["relayed", "red", "approve", ["committee_director:-"]],
    ["relayed", "red", "publish", ["-:-@office"]],
  ];
  it.each(cases)("%s %s %s", (origin, colour, action, expected) => {
    const rule = warningAuthority(profile, origin, colour, action);
    expect(rule?.by.map((p) => `${p.role ?? "-"}:${p.scope ?? "-"}${p.unit ? `@${p.unit}` : ""}`)).toEqual(
      expected,
    );
  });

  it("a local red warning is approved only by the committee director", () => {
    const approve = warningAuthority(profile, "local", "red", "approve");
    expect(roles(approve?.by)).toEqual(["committee_director"]);
    expect(approve?.via?.[0]?.unit).toBe("office");
  });

  it("a relayed city blue warning is signed off by the relaying unit's principal leader", () => {
    const approve = warningAuthority(profile, "relayed", "blue", "approve");
    expect(approve?.mode).toBe("sign_off");
    expect(approve?.by.every((p) => p.scope === "own_unit")).toBe(true);
    // 转发预警解除按上述同等权限执行
    expect(warningAuthority(profile, "relayed", "blue", "lift")?.approvedBy).toEqual(approve?.by);
    expect(warningAuthority(profile, "relayed", "red", "lift")?.approvedBy).toEqual(
      warningAuthority(profile, "relayed", "red", "approve")?.by,
    );
  });

  it("every own warning is filed with the city; blue/yellow also with the emergency office", () => {
    // 区应急办和相关部门可发布本地区预警信息，并同时报市应急办及市有关部门备案。
    for (const colour of ["blue", "yellow", "orange", "red"] as const) {
      const to = warningAuthority(profile, "local", colour, "file")?.to?.map((p) => p.unit) ?? [];
      expect(to).toContain("ext-city-office");
      expect(to).toContain("ext-city-departments");
    }
    expect(warningAuthority(profile, "local", "blue", "file")?.to?.[0]?.unit).toBe("office");
    // relayed blue/yellow/orange: 并报区应急办（区突发事件预警信息发布中心）备案; red has no filing step
    expect(warningAuthority(profile, "relayed", "orange", "file")?.to?.[0]?.unit).toBe("office");
    expect(warningAuthority(profile, "relayed", "red", "file")).toBeUndefined();
  });

  it("only the emergency office publishes to the public; orange/red may need cross-area notice", () => {
    // 根据需要向社会单位或居民发布预警信息时，由区应急办（区突发事件预警信息发布中心）负责
    expect(profile.warnings.publicPublisher?.by.map((p) => p.unit)).toEqual(["office"]);
    // 对于可能影响我区以外其他地区的我区域内橙色、红色预警信息…并向可能受到危害的相关地区通报
    expect(profile.warnings.crossArea?.colours).toEqual(["orange", "red"]);
    expect(profile.warnings.crossArea?.to.map((p) => p.unit ?? p.scope)).toEqual([
      "ext-city-office",
      "affected_areas",
    ]);
  });

  it("flood warnings follow the flood plan", () => {
    // 区防汛预警的发布和解除按区防汛应急预案执行。
    expect(warningExclusion(profile, "flood")?.plan).toBe("区防汛应急预案");
    expect(warningExclusion(profile, "gas")).toBeUndefined();
  });

  it("colours are ordered blue < yellow < orange < red with default CAP severities", () => {
    expect(profile.warnings.colours.map((c) => `${c.id}:${c.rank}:${c.cap.severity}`)).toEqual([
      "blue:1:Minor",
      "yellow:2:Moderate",
      "orange:3:Severe",
      "red:4:Extreme",
    ]);
  });

  it("warning response per colour (000 §3.3.2)", () => {
    // 蓝色、黄色…由区相关专项应急指挥部办公室或主责部门启动应急机制
    expect(warningResponse(profile, "yellow")?.activatedBy[0]?.scope).toBe("responsible_unit");
    // 橙色…由区相关专项应急指挥部（或临时指挥部）启动应急机制
    expect(warningResponse(profile, "orange")?.activatedBy[0]?.scope).toBe("hq");
    // 红色…由区应急委启动应急机制
    expect(warningResponse(profile, "red")?.activatedBy[0]?.unit).toBe("committee");
  });

  it("has the 10 warning measures of §3.3.3 and 11 content fields of §3.3.1 item 4", () => {
    expect(profile.warnings.measures.items.map((i) => i.no)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(profile.warnings.requiredContent.fields).toHaveLength(11);
  });
});

describe("response levels (000 §4.3.1)", () => {
  const cases: [level: string, expected: string | undefined][] = [
    // Ⅲ级指挥响应：当发生小于一般的突发事件时
    ["below_general", "level_iii"],
    // Ⅱ级指挥响应：当发生一般突发事件时
    ["general", "level_ii"],
    // Ⅰ级指挥响应：当发生较大及以上突发事件 — 较大 in Chaoyang is Ⅰ, not Ⅲ
    ["larger", "level_i"],
    ["major", "level_i"],
    ["especially_major", "level_i"],
    ["undetermined", undefined],
  ];
  it.each(cases)("%s → %s", (level, expected) => {
    expect(responseLevelFor(profile, level)?.id).toBe(expected);
  });

  it("who activates each level", () => {
    expect(responseLevelFor(profile, "larger")?.activatedBy[0]?.unit).toBe("committee");
    // 000 §4.3.1, §2.1.4: the HQ's 总指挥 (分管区领导), its office on its decision, or the temporary HQ.
    expect(responseLevelFor(profile, "general")?.activatedBy.map((p) => p.scope)).toEqual([
      "in_charge_of_category",
      "hq_office",
      "hq",
    ]);
    expect(responseLevelFor(profile, "below_general")?.activatedBy.map((p) => p.scope)).toEqual([
      "lead_department",
      "street_in_area",
    ]);
  });

  it("city-owned enterprises below 较大 use the departmental mechanism", () => {
    // 应由市属企业、行业（系统）应对和处置的，且级别在较大以下的突发事件
    const incident = (level: string): IncidentFacts => ({
      level,
      flags: ["city_owned"],
      receivedAt: at("2025-01-01T00:00:00Z"),
      occurredAt: at("2025-01-01T00:00:00Z"),
    });
    expect(specialResponseCase(profile, incident("general"))?.id).toBe("city_owned");
    expect(specialResponseCase(profile, incident("larger"))).toBeUndefined();
  });

  it("committee decision types (§4.3.2) and the seven working groups (§4.4)", () => {
    expect(profile.response.committeeDecision?.decisions).toHaveLength(4);
    expect(workingGroups(profile).map((g) => g.name)).toEqual([
      "专业处置组",
      "宣传信息组",
      "治安交通组",
      "综合保障组",
      "通信保障组",
      "医疗救护组",
      "专家顾问组",
    ]);
  });

  it("measures checklists: 15 / 11 / 9 (§4.6)", () => {
    expect(measuresFor(profile, "natural_disaster")?.items).toHaveLength(15);
    expect(measuresFor(profile, "accident_disaster")?.items).toHaveLength(15);
    expect(measuresFor(profile, "public_health")?.items).toHaveLength(11);
    expect(measuresFor(profile, "social_security")?.items).toHaveLength(9);
    // verbatim, including the seed's typo 易爱损害
    expect(measuresFor(profile, "public_health")?.items[4]?.text).toContain("易爱损害");
  });

  it("end of response (§4.9)", () => {
    // 一般突发事件由启动应急响应的区相关专项应急指挥部办公室、相关部门宣布应急结束。
    expect(endDeclarers(profile, "general")?.by[0]?.scope).toBe("activating_unit");
    expect(endDeclarers(profile, "larger")?.by[0]?.label).toContain("市属部门");
  });
});

describe("assessment deadlines (000 §4.9)", () => {
  it("较大以上: mandatory, target 1 week, at most 1 month after handling ends", () => {
    // 报告原则上应在处置工作结束后1周内完成并报区应急委。… 最迟不得超过1个月。
    const [report, ...rest] = assessmentDeadlines(profile, "larger", at("2024-01-31T10:00:00+08:00"));
    expect(rest).toEqual([]);
    expect(report?.mandatory).toBe(true);
    expect(report?.targetAt).toEqual(at("2024-02-07T10:00:00+08:00"));
    expect(report?.hardCapAt).toEqual(at("2024-02-29T10:00:00+08:00")); // calendar month, clamped
    expect(report?.to[0]?.unit).toBe("committee");
  });

  it("一般: optional, target 2 weeks, at most 1 month", () => {
    // 根据需要，亦可…组织对一般突发事件开展应对工作总结评估。总结报告原则上应在…2周内完成
    const [report] = assessmentDeadlines(profile, "general", at("2025-03-10T23:30:00+08:00"));
    expect(report?.mandatory).toBe(false);
    expect(report?.targetAt).toEqual(at("2025-03-24T23:30:00+08:00"));
    expect(report?.hardCapAt).toEqual(at("2025-04-10T23:30:00+08:00"));
  });

  it("小于一般: none", () => {
    expect(assessmentDeadlines(profile, "below_general", at("2025-03-10T00:00:00Z"))).toEqual([]);
  });
});

describe("supplies dispatch (000 §6.7)", () => {
  it("district-owned supplies are dispatched by the holding HQ or department", () => {
    // 区属应急物资由区相关专项应急指挥部或部门调用
    expect(dispatchApproval(profile, "dept-water", "dept-water", org).steps.map((s) => s.action)).toEqual([
      "dispatch",
    ]);
    // an HQ and the department hosting its office hold the same stock
    expect(dispatchApproval(profile, "hq-earthquake", "dept-emergency", org).case).toBe("own");
  });

  it("another unit's supplies: request → office review → committee leader approval → order", () => {
    // 提出应急物资需求，经区应急办审核，报请区应急委领导批准后，下达应急物资调拨指令
    const rule = dispatchApproval(profile, "dept-water", "dept-chengguan", org);
    expect(rule.steps.map((s) => s.action)).toEqual(["request", "review", "approve", "order"]);
    expect(rule.steps[1]?.by.every((p) => p.unit === "office")).toBe(true);
    expect(roles(rule.steps[2]?.by)).toEqual(["committee_director", "committee_deputy_director"]);
  });

  it("city departments or other districts: the committee coordinates", () => {
    // 市有关部门、其他区需要调拨我区应急物资时，由区应急委统一协调。
    const rule = dispatchApproval(profile, "ext-city-departments", "dept-water", org);
    expect(rule.steps).toEqual([
      { action: "coordinate", name: "区应急委统一协调", by: [{ unit: "committee", label: "区应急委" }] },
    ]);
  });

  it("shelters are opened by the committee (§6.9)", () => {
    // 区应急委根据突发事件危险程度及事态发展情况启用应急避难场所
    expect(roles(profile.resources.shelterActivation?.by)).toEqual([
      "committee_director",
      "committee_deputy_director",
    ]);
  });
});

describe("organisation, catalogue and plan management", () => {
  it("17 special HQs under the committee, each with its office's host department (§2.1.4–2.1.5)", () => {
    const hqs = org.units.filter((u) => u.type === "special_hq" && u.parent === "committee");
    expect(hqs).toHaveLength(17);
    expect(hqs.every((h) => h.officeIn !== undefined)).toBe(true);
    // 区地震应急指挥部办公室设在区应急局。
    expect(org.units.find((u) => u.id === "hq-earthquake")?.officeIn).toBe("dept-emergency");
    // 防汛抗旱…指挥机构不纳入区应急委编成体系
    expect(org.units.find((u) => u.id === "hq-flood")?.parent).toBeUndefined();
  });

  it("catalogue: 49 special plans (附表1) and 63 department plans (附表2)", () => {
    expect(profile.catalogue?.special).toHaveLength(49);
    expect(profile.catalogue?.department).toHaveLength(63);
    expect(profile.catalogue?.special.map((e) => e.no)).toEqual(Array.from({ length: 49 }, (_, i) => i + 1));
    expect(profile.catalogue?.department.map((e) => e.no)).toEqual(
      Array.from({ length: 63 }, (_, i) => i + 1),
    );
    // 7 朝阳区道路交通事故处置救援应急预案 朝阳交通支队
    expect(profile.catalogue?.special[6]?.lead).toEqual(["dept-traffic-police"]);
  });

  it("revision every 3 years in principle; drills in 5 phases (§7.2.4, §6.16)", () => {
    expect(profile.planManagement.revision.every).toEqual({ value: 3, unit: "years" });
    expect(profile.planManagement.drills.phases.map((p) => p.name)).toEqual([
      "规划与计划",
      "准备",
      "实施",
      "评估总结",
      "改进",
    ]);
  });
});
