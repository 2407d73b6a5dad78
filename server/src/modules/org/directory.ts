import type { Db } from "../../db/index.js";
import type { OrgUnitTable } from "../../db/schema.js";
import { allUnits } from "./repository.js";

/**
 * The org tree from memory. org_units is written once, when an empty database is seeded at start-up
 * (seed.ts), and never changed while the server runs; so it is read once and every lookup after that
 * (division of each registration, names in every view) costs no query. An empty table is not kept:
 * lookups before the seed read again. ensureOrg loads it at start-up: a first load from inside a
 * command would wait for the connection the command's own SQLite transaction holds.
 */
export class UnitDirectory {
  private units: Promise<ReadonlyMap<string, OrgUnitTable>> | undefined;

  constructor(private readonly db: Db) {}

  async get(id: string): Promise<OrgUnitTable | undefined> {
    return (await this.all()).get(id);
  }

  async many(ids: readonly string[]): Promise<OrgUnitTable[]> {
    const units = await this.all();
    return ids.flatMap((id) => {
      const unit = units.get(id);
      return unit ? [unit] : [];
    });
  }

  /** Units of these types under any of the parents, in tree order (communities of streets). */
  async childrenOf(parentIds: readonly string[], types: readonly string[]): Promise<OrgUnitTable[]> {
    const parents = new Set(parentIds);
    return this.sorted((u) => u.parent_id !== null && parents.has(u.parent_id) && types.includes(u.type));
  }

  /** Every unit of these types, in tree order (the district's streets and townships). */
  async ofTypes(types: readonly string[]): Promise<OrgUnitTable[]> {
    return this.sorted((u) => types.includes(u.type));
  }

  private async sorted(keep: (u: OrgUnitTable) => boolean): Promise<OrgUnitTable[]> {
    const units = [...(await this.all()).values()].filter(keep);
    return units.sort((a, b) => (a.sort_key < b.sort_key ? -1 : a.sort_key > b.sort_key ? 1 : 0));
  }

  /** Reads the tree now (once it is seeded), so no command has to. */
  async load(): Promise<void> {
    await this.all();
  }

  private all(): Promise<ReadonlyMap<string, OrgUnitTable>> {
    this.units ??= this.read();
    return this.units;
  }

  private async read(): Promise<ReadonlyMap<string, OrgUnitTable>> {
    const rows = await allUnits(this.db);
    if (rows.length === 0) {
      this.units = undefined;
    }
    return new Map(rows.map((r) => [r.id, r]));
  }
}
