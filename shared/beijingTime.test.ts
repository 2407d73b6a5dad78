import { describe, expect, it } from "vitest";
import { beijingChinese, beijingClock, beijingIso } from "./beijingTime.js";

describe("Beijing time", () => {
  // 16:05:09 UTC is 00:05:09 the next day in Beijing: the date rolls over too.
  const late = "2026-07-01T16:05:09.123Z";

  it("writes ISO 8601 with +08:00 (CAP 1.2 forbids Z)", () => {
    expect(beijingIso(late)).toBe("2026-07-02T00:05:09+08:00");
    expect(beijingIso(new Date("2026-03-04T03:05:00+08:00"))).toBe("2026-03-04T03:05:00+08:00");
  });

  it("writes the Chinese form of reports and documents", () => {
    expect(beijingChinese(late)).toBe("2026年7月2日 00时05分");
    expect(beijingChinese("2025-12-31T16:00:00Z")).toBe("2026年1月1日 00时00分");
  });

  it("gives the wall clock the same way for any input offset", () => {
    expect(beijingClock(late)).toBe("00:05");
    expect(beijingClock("2026-11-27T03:10:00.000Z")).toBe("11:10");
    expect(beijingClock("2026-11-27T11:10:00+08:00")).toBe("11:10");
  });
});
