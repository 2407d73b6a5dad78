import { describe, expect, it } from "vitest";
// @ts-expect-error a plain ESM script without types
import { verdict } from "../../scripts/audit-prod.mjs";

describe("the production dependency audit", () => {
  it.each([
    [{ metadata: { vulnerabilities: { low: 3, moderate: 1, high: 0, critical: 0 } } }, "clean"],
    [{ metadata: { vulnerabilities: { high: 2, critical: 0 } } }, "vulnerable"],
    [{ metadata: { vulnerabilities: { high: 0, critical: 1 } } }, "vulnerable"],
    [{ statusCode: 405, message: "405 Method Not Allowed" }, "unavailable"],
    [{ error: { code: "ENOTFOUND", summary: "getaddrinfo ENOTFOUND" } }, "unavailable"],
  ])("%j → %s", (report, kind) => {
    expect(verdict(JSON.stringify(report)).kind).toBe(kind);
  });

  it("fails only on high or critical findings", () => {
    expect(verdict(JSON.stringify({ metadata: { vulnerabilities: { high: 1, critical: 2 } } }))).toEqual({
      kind: "vulnerable",
      high: 1,
      critical: 2,
    });
  });
});
