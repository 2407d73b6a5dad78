/**
 * CAP input bounds (issue 14 §1): a message nested or repeated past CAP_LIMITS is refused by name
 * before a parser builds its tree; a parser's own exception is a refusal too, never a throw.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CAP_LIMITS, parseCap } from "./import.js";

const GALE = fs
  .readFileSync(path.join(import.meta.dirname, "../testdata/cap/city-gale.xml"), "utf8")
  .replace("IDENTIFIER", "GALE-1")
  .replace("SENT", "2026-11-27T10:00:00+08:00")
  .replace("MSGTYPE", "Alert")
  .replace("REFERENCES", "")
  .replace("SEVERITY", "Minor")
  .replace("HEADLINE", "北京市气象台发布大风蓝色预警");

/** The gale alert with `extra` inserted inside <alert>, after <scope>. */
const withInside = (extra: string) => GALE.replace("<scope>Public</scope>", `<scope>Public</scope>${extra}`);
const nested = (depth: number) => `${"<x>".repeat(depth)}${"</x>".repeat(depth)}`;

describe("parseCap bounds", () => {
  it("accepts the city's gale alert (within every bound)", () => {
    expect(parseCap(GALE).ok).toBe(true);
  });

  const refused: [string, string, string][] = [
    ["10,000 nested elements", withInside(nested(10_000)), `元素嵌套超过 ${CAP_LIMITS.maxDepth} 层`],
    [
      "nesting one past the limit",
      withInside(nested(CAP_LIMITS.maxDepth)),
      `元素嵌套超过 ${CAP_LIMITS.maxDepth} 层`,
    ],
    [
      "more elements than the limit (flat)",
      withInside("<x/>".repeat(CAP_LIMITS.maxElements)),
      `元素超过 ${CAP_LIMITS.maxElements} 个`,
    ],
    ["more characters than the limit", withInside(" ".repeat(CAP_LIMITS.maxChars)), "超过 1048576 个字符"],
    // fast-xml-parser throws on names it reserves against prototype pollution.
    ["an element named __proto__", withInside("<__proto__>1</__proto__>"), "XML 无法解析"],
  ];
  it.each(refused)("refuses %s as a body error naming the limit", (_name, xml, message) => {
    const result = parseCap(xml);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.detail).toContain(message);
      expect(result.errors.map((e) => e.path)).toEqual(["body"]);
    }
  });

  it("counts depth past comments, CDATA and quoted `>` (a message at the limit is read)", () => {
    // alert › x… : the alert is level 1, so maxDepth - 1 nested elements reach the limit exactly.
    const atLimit = withInside(
      `<!-- <a><a><a> --><![CDATA[<b><b>]]><y note="a>b"/>${nested(CAP_LIMITS.maxDepth - 1)}`,
    );
    expect(parseCap(atLimit).ok).toBe(true);
  });
});
