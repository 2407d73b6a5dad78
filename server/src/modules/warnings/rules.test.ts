import { describe, expect, it } from "vitest";
import { beijingIso } from "../../../../shared/beijingTime.js";
import { smsSegments } from "../../../../shared/warnings.js";
import { loadActivePlan } from "../plans/active.js";
import { capIdentifier, capSeverity, colourForSeverity } from "./cap/mapping.js";
import { crossAreaDuties, filingDuties, responseOnPublish } from "./publicationRules.js";
import {
  missingContent,
  needsProposal,
  stateProblem,
  type WarningDraft,
  type WarningFacts,
} from "./rules.js";

const chaoyang = loadActivePlan("chaoyang-2022");
const luolong = loadActivePlan("luolong");

const facts = (over: Partial<WarningFacts> = {}): WarningFacts => ({
  origin: "local",
  status: "draft",
  colour: "yellow",
  subtypeId: "gas",
  issuingUnitId: "dept-chengguan",
  drafterId: "u1",
  divisionCodes: ["110105001"],
  authorisedUnitIds: [],
  publicState: "none",
  pendingKind: null,
  pendingState: null,
  pendingColour: null,
  pendingById: null,
  ...over,
});

describe("SMS segments (Chinese: 70 in one message, 67 per part)", () => {
  it.each([
    ["短".repeat(70), 1],
    ["短".repeat(71), 2],
    ["短".repeat(134), 2],
    ["短".repeat(135), 3],
    ["a".repeat(160), 1],
    ["a".repeat(161), 2],
    ["", 0],
  ])("%#: %s → %i", (text, n) => {
    expect(smsSegments(text)).toHaveLength(n);
    expect(smsSegments(text).join("")).toBe(text);
  });
});

describe("CAP identifiers and times (GB/T 35965.1, +08:00)", () => {
  it("builds ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N in Beijing time, 31 characters", () => {
    const id = capIdentifier({
      divisionCode: "110105",
      orgCode: "002",
      at: new Date("2026-07-01T16:05:09Z"),
      sequence: 3,
    });
    expect(id).toBe("11010500200100_20260702000509_3");
    expect(id).toHaveLength(31);
  });
  it("writes times with +08:00, never Z", () => {
    expect(beijingIso("2026-07-01T16:05:09.123Z")).toBe("2026-07-02T00:05:09+08:00");
  });
  it("maps colours to severities from the profile and back", () => {
    expect(["blue", "yellow", "orange", "red"].map((c) => capSeverity(chaoyang.profile, c as never))).toEqual(
      ["Minor", "Moderate", "Severe", "Extreme"],
    );
    expect(colourForSeverity(chaoyang.profile, "Severe")).toBe("orange");
    expect(colourForSeverity(chaoyang.profile, "Unknown")).toBeUndefined();
  });
});

describe("states (issue 5 §1)", () => {
  const p = chaoyang.profile;
  it.each([
    ["propose", facts({ colour: "orange" }), undefined],
    ["approve", facts({ colour: "orange" }), "请先提出预警建议，再报批"],
    ["approve", facts({ origin: "relayed" }), undefined], // 转发: signed off straight from the draft
    ["propose", facts({ origin: "relayed" }), "该预警无需提出建议，可直接报批"],
    ["publish", facts({ status: "proposed" }), "预警已提出待批准，未经批准不能发布"],
    ["publish", facts({ status: "approved" }), undefined],
    ["lift", facts({ status: "lifted" }), "预警已解除"],
    ["lift", facts({ status: "approved" }), "预警已批准待发布，只有已发布的预警可以解除"],
    [
      "adjust",
      facts({ status: "published", pendingKind: "lift", pendingState: "proposed" }),
      "已有待处理的解除",
    ],
    ["release", facts({ status: "published", publicState: "released" }), "预警已向社会发布"],
    ["edit", facts({ status: "published" }), "预警已发布，不能再修改；请使用“调整”"],
  ] as const)("%s on %j", (step, f, problem) => {
    expect(stateProblem(p, step, f)).toBe(problem);
  });
  it("needs a proposal for every own warning in Chaoyang and none for relays", () => {
    expect(["blue", "yellow", "orange", "red"].map((c) => needsProposal(p, "local", c as never))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(needsProposal(p, "relayed", "red")).toBe(false);
  });
});

describe("required content (000 §3.3.1 第4项; 002 §4.2.2)", () => {
  const draft: WarningDraft = {
    title: "",
    colour: "yellow",
    subtypeId: null,
    issuingUnitId: "dept-chengguan",
    onsetAt: null,
    expiresAt: null,
    content: {},
    area: { divisionCodes: [], features: [] },
  };
  it("names every missing Chaoyang field", () => {
    expect(missingContent(chaoyang.profile, draft).map((e) => e.path)).toEqual([
      "expiresAt",
      "subtypeId",
      "area",
      "content.precautions",
      "content.situation",
      "content.governmentMeasures",
      "content.publicAdvice",
      "content.hotline",
    ]);
  });
  it("names every missing Luolong field (event name, period start and end, measures)", () => {
    expect(missingContent(luolong.profile, draft).map((e) => e.path)).toEqual([
      "title",
      "area",
      "onsetAt",
      "expiresAt",
      "content.governmentMeasures",
    ]);
  });
});

describe("filing, cross-area, response (000 §3.3.1 第1–3项, §3.3.2)", () => {
  const plan = chaoyang;
  it("files an own yellow warning with the office and the city (office, departments)", () => {
    expect(filingDuties(plan, facts()).map((d) => d.to.label)).toEqual([
      "区应急办（区突发事件预警信息发布中心）",
      "市应急办",
      "市有关部门",
    ]);
  });
  it("files a relayed orange with the office only, a relayed red not at all (the office relays it)", () => {
    expect(filingDuties(plan, facts({ origin: "relayed", colour: "orange" })).map((d) => d.to.label)).toEqual(
      ["区应急办（区突发事件预警信息发布中心）"],
    );
    expect(filingDuties(plan, facts({ origin: "relayed", colour: "red" }))).toEqual([]);
  });
  it("reports own orange/red that may affect other areas to the city and notifies those areas", () => {
    const duties = crossAreaDuties(plan, facts({ colour: "orange" }), true, ["通州区"]);
    expect(duties.map((d) => d.label)).toEqual(["市应急办或相关单位", "通州区"]);
    expect(crossAreaDuties(plan, facts({ colour: "yellow" }), true, ["通州区"])).toEqual([]);
    expect(crossAreaDuties(plan, facts({ colour: "red" }), false, [])).toEqual([]);
    expect(crossAreaDuties(plan, facts({ colour: "red", origin: "relayed" }), true, ["通州区"])).toEqual([]);
  });
  it("starts the response the colour names: HQ office/lead dept, the special HQ, the committee", () => {
    const by = (colour: WarningFacts["colour"]) => responseOnPublish(plan, facts({ colour }))?.activatedBy;
    expect(by("yellow")?.[0]?.unitIds).toEqual(["hq-public-facilities", "dept-chengguan"]);
    expect(by("orange")?.[0]).toEqual({
      label: "区相关专项应急指挥部（或临时指挥部）",
      unitIds: ["hq-public-facilities"],
    });
    expect(by("red")?.[0]).toEqual({ label: "区应急委", unitIds: ["committee"] });
  });
});
