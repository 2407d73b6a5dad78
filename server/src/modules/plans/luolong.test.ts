/**
 * The Luolong profile (plans/luolong.yaml, seed 002 《洛龙区人民政府突发公共事件总体应急预案》):
 * it lints clean, and the plan rules answer what the seed says. Every case quotes the seed.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { IncidentFlag } from "../../../../shared/plan/schema.js";
import { REPO_ROOT } from "../../config.js";
import { readOrgFile } from "../org/orgFile.js";
import { lintProfile } from "./lint.js";
import { loadProfile } from "./loader.js";
import { reportingDeadlines } from "./reporting.js";
import {
  addDuration,
  assessmentDeadlines,
  endDeclarers,
  type Figures,
  gradingInputs,
  type IncidentFacts,
  responseLevelFor,
  suggestLevel,
  warningAuthority,
  workingGroups,
} from "./rules.js";

const PROFILE_FILE = path.join(REPO_ROOT, "plans", "luolong.yaml");
const { profile, org } = loadProfile(PROFILE_FILE);

const RECEIVED = new Date("2026-03-01T08:00:00+08:00");
const MIN = 60_000;

function incident(overrides: Partial<IncidentFacts> = {}): IncidentFacts {
  return {
    level: "general",
    receivedAt: RECEIVED,
    occurredAt: new Date(RECEIVED.getTime() - 20 * MIN),
    ...overrides,
  };
}

describe("Luolong profile (002) is valid", () => {
  it("lints with no errors and no warnings", () => {
    expect(lintProfile(PROFILE_FILE)).toEqual([]);
  });

  it("cites seed 002 on every rule", () => {
    const sources: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) {
        v.forEach(walk);
      } else if (typeof v === "object" && v !== null) {
        for (const [k, x] of Object.entries(v)) {
          if (k === "source" && typeof x === "string") {
            sources.push(x);
          }
          walk(x);
        }
      }
    };
    walk(profile);
    expect(sources.length).toBeGreaterThan(100);
    expect(sources.filter((s) => !s.startsWith("002 "))).toEqual([]);
  });

  // 002 §2.1.1: "区政法委、区政府办、…、区消防大队及宣传等有关单位为区应急委成员单位"
  it("has the committee's 22 member units in seed order", () => {
    const file = readOrgFile(path.join(REPO_ROOT, "plans", "org", "luolong.yaml"));
    const members = file.units.filter((u) => u.note?.startsWith("区应急委成员单位")).map((u) => u.name);
    expect(members).toEqual([
      "区政法委",
      "区政府办",
      "区财政局",
      "区发改委",
      "区工信局",
      "区住建局",
      "区信访局",
      "区科技局",
      "区水利局",
      "区农业农村局",
      "区卫健委",
      "区民政局",
      "区环保局",
      "区市场监督管理局",
      "区文化广电和旅游局",
      "环城电业分局",
      "区人武部",
      "洛龙公安分局",
      "古城公安分局",
      "安乐公安分局",
      "区消防大队",
      "区委宣传部",
    ]);
    expect(org.district).toEqual({ code: "410311", name: "洛龙区" });
  });
});

describe("grading: suggestLevel from the 002 annex (突发公共事件分级标准)", () => {
  const cases: { seed: string; subtype: string; figures: Figures; flags?: IncidentFlag[]; level: string }[] =
    [
      // 附件 一(三) 重大 1: "本城区和各镇(办事处)人口密集城镇地区发生5.0级以上地震"
      {
        seed: "一(三) 重大1",
        subtype: "earthquake",
        figures: { magnitude: 5.2 },
        flags: ["dense_urban_area"],
        level: "major",
      },
      // 附件 一(三) 较大 2: "本区其他地区发生4.5级以上5.5级以下地震"
      { seed: "一(三) 较大2", subtype: "earthquake", figures: { magnitude: 5.2 }, level: "larger" },
      // 附件 一(三) 特大: "在本区发生的6.5级以上地震"
      {
        seed: "一(三) 特大",
        subtype: "earthquake",
        figures: { magnitude: 6.5 },
        flags: ["dense_urban_area"],
        level: "especially_major",
      },
      // 附件 一(三) 较大 1: "人口密集城镇地区发生4.0级以上5.0级以下地震"
      {
        seed: "一(三) 较大1",
        subtype: "earthquake",
        figures: { magnitude: 4.2 },
        flags: ["dense_urban_area"],
        level: "larger",
      },
      // 附件 一(三) 一般: "较大级别以下,造成一定经济损失的地震"
      { seed: "一(三) 一般", subtype: "earthquake", figures: { magnitude: 4.2 }, level: "general" },
      // 附件 一(三) 较大 3: "本区周边邻区发生5.0级以上6.0级以下地震并对我区造成实际破坏" — not 重大 by 其它地区 5.5
      {
        seed: "一(三) 较大3",
        subtype: "earthquake",
        figures: { magnitude: 5.7, economic_loss_yuan: 200_000 },
        flags: ["outside_district"],
        level: "larger",
      },
      // 附件 一(三) 重大 3: "本区周边邻区发生6.0级以上地震并对我区造成实际破坏"
      {
        seed: "一(三) 重大3",
        subtype: "earthquake",
        figures: { magnitude: 6.8, economic_loss_yuan: 200_000 },
        flags: ["outside_district"],
        level: "major",
      },
      // 附件 一(四) 重大: "因灾死亡10人以上30人以下"
      { seed: "一(四) 重大", subtype: "geological", figures: { deaths: 12 }, level: "major" },
      // 附件 一(四) 特大: "因灾死亡30人以上" — 以上 includes 30
      { seed: "一(四) 特大", subtype: "geological", figures: { deaths: 30 }, level: "especially_major" },
      // 附件 一(四) 较大: "因灾死亡3人以上10人以下" — 以下 excludes 10, 以上 includes 3
      { seed: "一(四) 较大", subtype: "geological", figures: { deaths: 3 }, level: "larger" },
      // 附件 一(四) 一般: "因灾死亡3人以下或者直接经济损失100万元以下"
      {
        seed: "一(四) 一般",
        subtype: "geological",
        figures: { deaths: 2, economic_loss_yuan: 500_000 },
        level: "general",
      },
      // 附件 一(四) 重大: "直接经济损失500万元以上1000万元以下"
      {
        seed: "一(四) 重大",
        subtype: "geological",
        figures: { deaths: 0, economic_loss_yuan: 6_000_000 },
        level: "major",
      },
      // 附件 一(七) 重大 1, 3: "受害森林面积100公顷以上1000公顷以下" / "连续燃烧48小时以上"
      { seed: "一(七) 重大1", subtype: "forest_fire", figures: { area_ha: 150 }, level: "major" },
      {
        seed: "一(七) 重大3",
        subtype: "forest_fire",
        figures: { area_ha: 20, duration_hours: 50 },
        level: "major",
      },
      // 附件 一(七) 较大 1, 3: "受害森林面积100公顷以下" / "连续燃烧24小时以上"
      {
        seed: "一(七) 较大1",
        subtype: "forest_fire",
        figures: { area_ha: 20, duration_hours: 30 },
        level: "larger",
      },
      // 附件 一(七) 重大 4: "发生在自然保护区、森林公园…受害森林面积50公顷以上1000公顷以下"
      {
        seed: "一(七) 重大4",
        subtype: "forest_fire",
        figures: { area_ha: 60 },
        flags: ["protected_area"],
        level: "major",
      },
      // 附件 一(六) 重大: "跨镇(办事处)集中连片发生面积达6000公顷以上1万公顷以下"
      { seed: "一(六) 重大", subtype: "forest_pests", figures: { area_ha: 7000, towns: 3 }, level: "major" },
      // 附件 二(一) 重特大 1: "一次死亡10人以上…的特大事故"
      {
        seed: "二(一) 重特大1",
        subtype: "safety_accident",
        figures: { deaths: 10 },
        level: "especially_major",
      },
      // 附件 二(一) 重特大 2: "造成3万户以上居民停水、停气24小时以上的事故" (merged 重、特大 → 重大)
      {
        seed: "二(一) 重特大2",
        subtype: "safety_accident",
        figures: { households: 40_000, duration_hours: 26 },
        level: "major",
      },
      // 附件 二(一) 较大 4: "因工业污染等一次造成20人以上50人以下中毒的事故"
      { seed: "二(一) 较大4", subtype: "safety_accident", figures: { poisoned: 25 }, level: "larger" },
      // 附件 二(一) 重特大 8: "一次火灾造成死亡3人以上10人以下…的重大事故"
      { seed: "二(一) 重特大8", subtype: "fire", figures: { deaths: 5 }, level: "major" },
      // 附件 二(一) 重特大 8: "…直接财产损失100万元以上的特大事故" (fire scale, not the ¥10M of item 1)
      {
        seed: "二(一) 重特大8",
        subtype: "fire",
        figures: { deaths: 0, economic_loss_yuan: 1_500_000 },
        level: "especially_major",
      },
      // 附件 三(一) 重大 2: "在1个县(市、区)一周内发病水平超过前5年同期发病水平1倍以上"
      {
        seed: "三(一) 重大2",
        subtype: "infectious_disease",
        figures: { incidence_ratio: 2.5, counties: 1 },
        level: "major",
      },
      // 附件 三(一) 重大 5: "发生50人以上100人以下的不良反应或群体心因性反应"
      { seed: "三(一) 重大5", subtype: "vaccine_reaction", figures: { affected_people: 60 }, level: "major" },
      // 附件 三(二) 较大: "一次发生急性职业中毒10人以上或出现死亡病例"
      {
        seed: "三(二) 较大",
        subtype: "occupational_hazard",
        figures: { poisoned: 12, deaths: 0 },
        level: "larger",
      },
      // 附件 三(三) 重大 2: "一次发生30人以上50人以下…的食物中毒"
      { seed: "三(三) 重大2", subtype: "food_safety", figures: { poisoned: 35, deaths: 0 }, level: "major" },
      // 附件 三(三) 重大 2: "出现1例死亡病例的食物中毒" — the clause for exactly one death (issue 13 item 14)
      { seed: "三(三) 重大2", subtype: "food_safety", figures: { poisoned: 8, deaths: 1 }, level: "major" },
      // 附件 三(三) 特大 2: "出现1例以上死亡病例的食物中毒" — read as more than the 重大 clause's one death
      {
        seed: "三(三) 特大2",
        subtype: "food_safety",
        figures: { poisoned: 8, deaths: 2 },
        level: "especially_major",
      },
      // 附件 三(三) 特大 2: "学校一次发生10人以上并出现死亡病例的食物中毒的事件"
      {
        seed: "三(三) 特大2 学校",
        subtype: "food_safety",
        figures: { poisoned: 12, deaths: 1 },
        flags: ["school"],
        level: "especially_major",
      },
      // 附件 一(七) 特大: "受害森林面积在1000公顷以上,造成特大人员伤亡和巨大经济损失的火灾" — the area alone
      // is not enough; 重大 1 "受害森林面积100公顷以上…" still holds (issue 13 item 14)
      { seed: "一(七) 特大/重大1", subtype: "forest_fire", figures: { area_ha: 1500 }, level: "major" },
      {
        seed: "一(七) 特大/重大1",
        subtype: "forest_fire",
        figures: { area_ha: 1000, deaths: 0, economic_loss_yuan: 0 },
        level: "major",
      },
      // 附件 一(三) 一般: "较大级别以下,造成一定经济损失的地震" — also a neighbouring quake that did damage here
      {
        seed: "一(三) 一般 邻区",
        subtype: "earthquake",
        figures: { magnitude: 4.6, economic_loss_yuan: 300_000 },
        flags: ["outside_district"],
        level: "general",
      },
      // 附件 二(一) 较大 2: "城市供水、燃气设施中断供应,造成5000户以上3万户以下居民停水、停气24小时以上的事故"
      // — not 重大 by 重特大 2's "电力、通信…城市交通、道路交通中断24小时以上" (issue 13 item 13)
      {
        seed: "二(一) 较大2",
        subtype: "safety_accident",
        figures: { households: 10_000, duration_hours: 26 },
        level: "larger",
      },
      // 附件 二(一) 重特大 2: "…电力、通信、信息网络、特种设备事故和城市交通、道路交通中断24小时以上的事件"
      {
        seed: "二(一) 重特大2 中断",
        subtype: "safety_accident",
        figures: { duration_hours: 26 },
        flags: ["infrastructure_interruption"],
        level: "major",
      },
      // A fire burning 30 h is not an interruption of 电力、通信…: graded by the fire scale (死亡3人以下 → 一般)
      {
        seed: "二(一) 重特大2 火灾",
        subtype: "fire",
        figures: { deaths: 0, duration_hours: 30 },
        level: "general",
      },
      // 附件 三(三) 重大 2: "学校一次发生10人以上食物中毒的事件"
      {
        seed: "三(三) 重大2",
        subtype: "food_safety",
        figures: { poisoned: 12, deaths: 0 },
        flags: ["school"],
        level: "major",
      },
      // 附件 三(三) 较大 2: "一次发生30人以下…的食物中毒"
      { seed: "三(三) 较大2", subtype: "food_safety", figures: { poisoned: 12, deaths: 0 }, level: "larger" },
      // 附件 四(二) 特大 2: "一次造成公共场所3人以上死亡"
      {
        seed: "四(二) 特大2",
        subtype: "criminal_case",
        figures: { deaths: 3 },
        flags: ["public_place"],
        level: "especially_major",
      },
      // 附件 四(二) 较大 1: "一次造成3人或4人死亡的杀人、爆炸…案件"
      { seed: "四(二) 较大1", subtype: "criminal_case", figures: { deaths: 4 }, level: "larger" },
    ];

  it.each(cases)("附件 $seed: $subtype $figures → $level", ({ subtype, figures, flags, level }) => {
    const s = suggestLevel(profile, subtype, figures, flags ?? []);
    expect(s).toMatchObject({ kind: "suggested", level });
  });

  // 附件 一(三): a neighbouring quake with no actual damage in the district is not graded by this plan.
  it("does not grade a neighbouring quake that did no damage here (附件 一(三) 重大3/较大3)", () => {
    expect(
      suggestLevel(profile, "earthquake", { magnitude: 5.7, economic_loss_yuan: 0 }, ["outside_district"]),
    ).toMatchObject({ kind: "not_determinable" });
  });

  // 附件 一(三): a neighbouring quake of 较大 size that did no damage here is still not graded.
  it("does not grade a small neighbouring quake without losses here (附件 一(三) 一般)", () => {
    expect(
      suggestLevel(profile, "earthquake", { magnitude: 4.6, economic_loss_yuan: 0 }, ["outside_district"]),
    ).toMatchObject({ kind: "not_determinable" });
  });

  // What the intake form asks for: the figures and flags the subtype's criteria read.
  it("asks for the magnitude, the losses, the dense urban area and the neighbouring district of a quake (附件 一(三))", () => {
    expect(gradingInputs(profile, "earthquake")).toEqual({
      metrics: ["economic_loss_yuan", "magnitude"],
      flags: ["dense_urban_area", "outside_district"],
    });
    // Qualitative-only criteria read nothing the form could ask for.
    expect(gradingInputs(profile, "flood_drought")).toEqual({ metrics: [], flags: [] });
  });

  // 附件 一(一) 水旱灾害 is qualitative only: a person grades it.
  it("leaves a qualitative-only subtype to a person (附件 一(一) 水旱灾害)", () => {
    expect(suggestLevel(profile, "flood_drought", { deaths: 5 })).toMatchObject({
      kind: "not_determinable",
      state: "undetermined",
    });
  });
});

describe("reporting (002 §3.3.2, §5.1.1)", () => {
  // §3.3.2: "情况核实准确后,应当在1小时内报至区人民政府或有关职能部门"
  it("is due 1 h after verification, not after receipt", () => {
    const verifiedAt = new Date(RECEIVED.getTime() + 25 * MIN);
    const due = reportingDeadlines(profile, incident({ verifiedAt }));
    const initial = due.find((d) => d.id === "initial_1h");
    expect(initial).toMatchObject({ kind: "initial", clockStart: "verification", source: "002 §3.3.2" });
    expect(initial?.dueAt?.toISOString()).toBe(new Date(verifiedAt.getTime() + 60 * MIN).toISOString());
    expect(initial?.recipients.map((r) => r.unit ?? r.scope)).toContain("office");
  });

  it("has no 1 h clock until the report is verified", () => {
    const initial = reportingDeadlines(profile, incident()).find((d) => d.id === "initial_1h");
    expect(initial?.dueAt).toBeNull();
  });

  // §5.1.1: 较大以上 — "立即向区人民政府直至市人民政府及其应急委报告"
  it("reports a 较大 event immediately to the district and the city", () => {
    const due = reportingDeadlines(profile, incident({ level: "larger" }));
    const now = due.find((d) => d.id === "town_larger_immediate");
    expect(now?.dueAt?.toISOString()).toBe(RECEIVED.toISOString());
    expect(now?.recipients.map((r) => r.unit)).toEqual([
      "office",
      "ext-city-government",
      "ext-city-committee",
    ]);
    expect(due.some((d) => d.id === "severe_immediate_upward")).toBe(false);
  });

  // §3.3.2: "事态特别严重时,应立即向市人民政府直至省人民政府及其应急委报告"
  it("reports a 重大 event at once up to the province", () => {
    const verifiedAt = new Date(RECEIVED.getTime() + 10 * MIN);
    const up = reportingDeadlines(profile, incident({ level: "major", verifiedAt })).find(
      (d) => d.id === "severe_immediate_upward",
    );
    expect(up?.dueAt?.toISOString()).toBe(verifiedAt.toISOString());
    expect(up?.recipients.map((r) => r.unit)).toEqual([
      "ext-city-government",
      "ext-city-committee",
      "ext-province-government",
      "ext-province-committee",
    ]);
  });

  it("starts no 较大+ clocks for a 一般 event", () => {
    const ids = reportingDeadlines(profile, incident()).map((d) => d.id);
    expect(ids).not.toContain("town_larger_immediate");
    expect(ids).not.toContain("severe_immediate_upward");
  });
});

describe("warnings (002 §4.1.1, §4.2.1)", () => {
  // §4.2.1: 较重 — "经区人民政府、区应急委批准,以区人民政府名义…发布"
  it("has yellow approved by the committee director and published in the district government's name", () => {
    expect(warningAuthority(profile, "local", "yellow", "approve")?.by).toEqual([
      expect.objectContaining({ role: "committee_director", unit: "committee" }),
    ]);
    expect(warningAuthority(profile, "local", "yellow", "publish")?.by[0]?.unit).toBe("office");
  });

  // §4.2.1: "严重、特别严重级别突发公共事件的预警由区人民政府报市人民政府统一发布"
  it.each(["orange", "red"] as const)("has %s published by the city", (colour) => {
    expect(warningAuthority(profile, "local", colour, "publish")?.by).toEqual([
      expect.objectContaining({ unit: "ext-city-government" }),
    ]);
  });

  // The seed names nobody who lifts a warning: the profile says so and reads it as the publisher.
  it("records the missing lifting authority as a gap", () => {
    expect(profile.warnings.liftRule?.gap).toMatch(/未写谁解除预警/);
    expect(warningAuthority(profile, "local", "yellow", "lift")?.gap).toBeDefined();
  });
});

describe("response (002 §1.6.5, §5.2)", () => {
  // §5.2: "一般级别突发事件,启动区政府应急预案进行处置"
  it("handles 一般 in the district", () => {
    const r = responseLevelFor(profile, "general");
    expect(r?.id).toBe("response_iv");
    expect(r?.mechanism).toMatch(/启动区政府应急预案/);
  });

  // §5.2: "较大级别突发事件,报请市政府启动市人民政府总体应急预案或相关专项预案";
  // "重、特大级别突发事件,报请市政府立即启动市人民政府总体应急预案"
  it.each([
    ["larger", "response_iii", /报请市政府启动/],
    ["major", "response_i_ii", /报请市政府立即启动/],
    ["especially_major", "response_i_ii", /报请市政府立即启动/],
  ] as const)("asks the city for %s", (level, id, mechanism) => {
    const r = responseLevelFor(profile, level);
    expect(r?.id).toBe(id);
    expect(r?.mechanism).toMatch(mechanism);
  });

  // §5.4.3: "现场指挥部一般设综合协调组、抢险救援组、医疗救护和卫生、防疫组、…专家技术组等"
  it("has the 13 working groups of the on-site command post", () => {
    expect(workingGroups(profile).map((g) => g.name)).toEqual([
      "综合协调组",
      "抢险救援组",
      "医疗救护和卫生防疫组",
      "交通管制组",
      "治安警戒组",
      "人员疏散和安置组",
      "社会动员组",
      "物资和经费保障组",
      "应急通讯组",
      "生活保障组",
      "新闻报道组",
      "涉外组",
      "专家技术组",
    ]);
  });

  // §5.4.3: "总指挥由分管副区长或授权的有关负责人担任;副总指挥由牵头部门负责人担任"
  it("puts the deputy head in charge at the head of the command post", () => {
    const commander = profile.response.commandPost.roles.find((r) => r.id === "commander");
    expect(commander?.heldBy[0]).toMatchObject({ role: "district_leader", scope: "in_charge_of_category" });
  });
});

describe("end of response and the special report (002 §5.6)", () => {
  // §5.6 (1)(2): "现场指挥部向区应急委报告情况,请示结束…经区应急委批准,由现场指挥部宣布结束"
  it("ends a 较大 response on the committee's approval", () => {
    expect(endDeclarers(profile, "larger")?.approvedBy).toEqual([
      expect.objectContaining({ role: "committee_director", unit: "committee" }),
    ]);
  });

  // §5.6 (3): "在2周内向区应急委提交处置情况专题报告"
  it("wants the special report within 2 weeks of the end", () => {
    const endedAt = new Date("2026-04-10T18:00:00+08:00");
    const due = assessmentDeadlines(profile, "larger", endedAt);
    expect(due.map((d) => d.id)).toEqual(["special_report"]);
    expect(due[0]?.targetAt.toISOString()).toBe(new Date("2026-04-24T18:00:00+08:00").toISOString());
    expect(due[0]?.to[0]).toMatchObject({ unit: "committee" });
  });

  it("wants no timed special report after a 一般 event (the seed sets it for 较大)", () => {
    expect(assessmentDeadlines(profile, "general", new Date("2026-04-10T18:00:00+08:00"))).toEqual([]);
  });
});

describe("plan management (002 §8.3.2, §9.2)", () => {
  // §9.2: "总体应急预案一般每三年修订一次,由区应急办具体负责组织"
  it("revises the general plan every 3 years, organised by the office", () => {
    const revision = profile.planManagement.revision;
    expect(revision.every).toEqual({ value: 3, unit: "years" });
    expect(revision.inPrinciple).toBe(true);
    expect(revision.by[0]?.unit).toBe("office");
    const revised = new Date("2026-06-30T00:00:00+08:00");
    expect(addDuration(revised, revision.every).toISOString()).toBe(
      new Date("2029-06-30T00:00:00+08:00").toISOString(),
    );
  });

  // §8.3.2: "定期演习在本总体应急预案制定或修订完成之日起6个月内举行"
  it("drills within 6 months of the plan's adoption or revision", () => {
    const cycle = profile.planManagement.drills.cycles.find((c) => c.planKind === "general");
    expect(cycle?.afterIssue).toEqual({ value: 6, unit: "months" });
    expect(cycle?.every).toBeUndefined();
    if (!cycle?.afterIssue) {
      throw new Error("no drill cycle after issue");
    }
    // A plan adopted on 31 March must be drilled by 30 September (calendar months, Asia/Shanghai).
    const adopted = new Date("2026-03-31T00:00:00+08:00");
    expect(addDuration(adopted, cycle.afterIssue).toISOString()).toBe(
      new Date("2026-09-30T00:00:00+08:00").toISOString(),
    );
  });
});
