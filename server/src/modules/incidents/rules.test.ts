/** Pure rules of the duty desk, table-driven, quoting the seed they implement. */
import { describe, expect, it } from "vitest";
import type { PlanProfile } from "../../../../shared/plan/schema.js";
import { distanceMeters } from "../geo/index.js";
import { loadProfile } from "../plans/loader.js";
import { instructionFeedbackDeadlines } from "../plans/reporting.js";
import {
  boxAround,
  formatIncidentNumber,
  intakeErrors,
  kindsMetBy,
  lateMinutes,
  numberingYear,
  numberPrefix,
  possibleDuplicates,
  reconcileDeadlines,
} from "./rules.js";

const { profile: chaoyang } = loadProfile("chaoyang-2022");
const { profile: luolong } = loadProfile("luolong");
const T0 = new Date("2026-11-27T03:00:00Z");
const min = (n: number) => new Date(T0.getTime() + n * 60_000);

describe("numbers", () => {
  it.each([
    [chaoyang, "CY"],
    [luolong, "LL"],
  ])("takes the prefix from the district's name", (profile, prefix) => {
    expect(numberPrefix(profile)).toBe(prefix);
  });

  it("numbers in the Beijing calendar year", () => {
    expect(formatIncidentNumber("CY", 2026, 123)).toBe("CY-2026-000123");
    // 2026-12-31T16:30Z is already 1 January 2027 in Beijing.
    expect(numberingYear(new Date("2026-12-31T16:30:00Z"))).toBe(2027);
    expect(numberingYear(new Date("2026-12-31T15:59:00Z"))).toBe(2026);
  });
});

describe("intake checks", () => {
  it.each([
    [{ subtypeId: "gas", occurredAt: min(-5), receivedAt: T0 }, []],
    [{ subtypeId: "nope", occurredAt: min(-5), receivedAt: T0 }, ["subtypeId"]],
    [{ subtypeId: "gas", occurredAt: min(1), receivedAt: T0 }, ["occurredAt"]],
    [{ subtypeId: "gas", occurredAt: min(10), receivedAt: min(11) }, ["occurredAt", "receivedAt"]],
    [{ subtypeId: "gas", occurredAt: min(-5), receivedAt: T0, level: "larger" }, []],
    [{ subtypeId: "gas", occurredAt: min(-5), receivedAt: T0, level: "undetermined" }, []],
    [{ subtypeId: "gas", occurredAt: min(-5), receivedAt: T0, level: "III" }, ["level"]],
  ])("%o → %o", (input, paths) => {
    expect(intakeErrors(chaoyang, input, T0).map((e) => e.path)).toEqual(paths);
  });
});

describe("deadline rows (000 §4.1)", () => {
  const state = { subtypeId: "gas", occurredAt: min(-60), receivedAt: T0, flags: [] as never[] };
  const recipients = () => [];

  it("creates the Chaoyang set at registration for an ungraded event", () => {
    const { create } = reconcileDeadlines(
      chaoyang,
      { ...state, level: "undetermined" },
      [],
      T0,
      "registration",
      recipients,
    );
    expect(Object.fromEntries(create.map((d) => [d.ruleId, d.dueAt.toISOString()]))).toEqual({
      initial: min(10).toISOString(), // 信息初报最迟不得晚于接报后10分钟
      detailed: min(60).toISOString(), // 详细信息最迟不得晚于事件发生后2小时 (occurred 1 h before receipt)
      undetermined_to_city: min(30).toISOString(), // 暂时无法判明等级…最迟不晚于接报后30分钟
      publicity_with_report: min(10).toISOString(), // 同时通报区委宣传部
    });
  });

  it("starts a rule that applies only after a level change from the change, and cancels what no longer applies", () => {
    const existing = [
      { id: "a", ruleId: "initial", state: "met", round: 1 },
      { id: "b", ruleId: "undetermined_to_city", state: "pending", round: 1 },
      { id: "c", ruleId: "detailed", state: "pending", round: 1 },
    ];
    const { create, cancel } = reconcileDeadlines(
      chaoyang,
      { ...state, level: "major", lastReportAt: min(5) },
      existing,
      min(40),
      "level",
      recipients,
    );
    expect(cancel).toEqual(["b"]);
    const byRule = Object.fromEntries(create.map((d) => [d.ruleId, d.dueAt.toISOString()]));
    expect(byRule.immediate_to_office).toBe(min(40).toISOString()); // 立即: from when it became 较大+
    expect(byRule.continuing).toBe(min(70).toISOString()); // 每30分钟续报: not before now + 30
  });

  it("Luolong: no 1 h deadline before verification, then verification + 60 min (002 §3.3.2)", () => {
    const facts = {
      subtypeId: "fire",
      occurredAt: min(-10),
      receivedAt: T0,
      flags: [] as never[],
      level: "undetermined",
    };
    const before = reconcileDeadlines(luolong, facts, [], T0, "registration", recipients);
    expect(before.create.map((d) => d.ruleId)).not.toContain("initial_1h");
    const after = reconcileDeadlines(
      luolong,
      { ...facts, verifiedAt: min(20) },
      [],
      min(25),
      "verification",
      recipients,
    );
    expect(after.create.find((d) => d.ruleId === "initial_1h")?.dueAt).toEqual(min(80));
  });

  it.each([
    ["initial", ["initial", "immediate", "undetermined_grade", "notification"], ["detailed", "continuing"]],
    ["continuing", ["detailed", "continuing"], ["initial", "immediate"]],
    ["final", ["detailed", "continuing", "final"], ["initial"]],
  ] as const)("a %s report meets %o and not %o", (kind, yes, no) => {
    const met = kindsMetBy(kind);
    expect(yes.every((k) => met.has(k))).toBe(true);
    expect(no.some((k) => met.has(k))).toBe(false);
  });

  it.each([
    [0, 0],
    [-120, 0],
    [1, 1],
    [30, 1],
    [180, 3],
    [181, 4],
  ])("a report %i s after its deadline is %i minutes late (迟报)", (seconds, minutes) => {
    expect(lateMinutes(T0, new Date(T0.getTime() + seconds * 1000))).toBe(minutes);
  });

  it("takes instruction feedback deadlines from the profile when it has them (004: phone 20, written 40 min)", () => {
    const wuqingLike: PlanProfile = {
      ...chaoyang,
      reporting: {
        ...chaoyang.reporting,
        instructionFeedback: [
          { channel: "phone", minutes: 20, by: [{ unit: "office" }], source: "004 §4.2" },
          { channel: "written", minutes: 40, by: [{ unit: "office" }], source: "004 §4.2" },
        ],
      },
    };
    expect(instructionFeedbackDeadlines(chaoyang, T0)).toEqual([]);
    expect(instructionFeedbackDeadlines(wuqingLike, T0).map((d) => [d.channel, d.dueAt])).toEqual([
      ["phone", min(20)],
      ["written", min(40)],
    ]);
  });
});

describe("duplicates", () => {
  const base = { id: "a", number: "CY-2026-000001", subtypeId: "gas", occurredAt: T0 };
  const settings = { radiusM: 500, windowMinutes: 180 };

  it("measures distance on the sphere", () => {
    // 国贸 to 永安里, about 1.2 km apart.
    expect(distanceMeters({ lat: 39.9087, lng: 116.4605 }, { lat: 39.9087, lng: 116.4465 })).toBeGreaterThan(
      1100,
    );
  });

  it.each([
    ["same place", { point: { lat: 39.9, lng: 116.45 } }, { point: { lat: 39.901, lng: 116.45 } }, true],
    ["too far", { point: { lat: 39.9, lng: 116.45 } }, { point: { lat: 39.92, lng: 116.45 } }, false],
    ["same division, no coordinates", { divisionCode: "110105001" }, { divisionCode: "110105001" }, true],
    [
      "other street",
      { divisionCode: "110105001", streetCode: "110105001" },
      { divisionCode: "110105026", streetCode: "110105026" },
      false,
    ],
  ])("%s", (_name, probe, candidate, flagged) => {
    const found = possibleDuplicates(
      { subtypeId: "gas", occurredAt: min(30), ...probe },
      [{ ...base, ...candidate }],
      settings,
    );
    expect(found.length > 0).toBe(flagged);
  });

  it("ignores another subtype and events outside the window", () => {
    const probe = { subtypeId: "gas", occurredAt: min(200), divisionCode: "110105001" };
    expect(possibleDuplicates(probe, [{ ...base, divisionCode: "110105001" }], settings)).toEqual([]);
    expect(
      possibleDuplicates(
        { ...probe, occurredAt: T0, subtypeId: "fire" },
        [{ ...base, divisionCode: "110105001" }],
        settings,
      ),
    ).toEqual([]);
  });
});

describe("boxAround (narrows the duplicate check in SQL)", () => {
  it("contains every point within the radius, in every direction, at Chaoyang's latitude", () => {
    const centre = { lat: 39.92, lng: 116.45 };
    const [minLat, minLng, maxLat, maxLng] = boxAround(centre, 500);
    // 500 m north/south ≈ 0.00449° latitude; east/west ≈ 0.00586° longitude at 39.9°N.
    expect(maxLat - centre.lat).toBeCloseTo(0.00449, 4);
    expect(maxLng - centre.lng).toBeCloseTo(0.00586, 4);
    expect(centre.lat - minLat).toBeCloseTo(maxLat - centre.lat, 9);
    expect(centre.lng - minLng).toBeCloseTo(maxLng - centre.lng, 9);
  });
});
