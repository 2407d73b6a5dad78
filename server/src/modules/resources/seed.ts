/**
 * Demo resources for a newcomer's map: the plan's own set (Chaoyang: seedChaoyang.ts, Luolong:
 * seedLuolong.ts) of teams, experts, warehouses and stock, agreements, shelters and equipment, each
 * created through the module's commands, so audited like any record.
 */
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import { runCommand } from "../../http/command.js";
import { createRecord } from "./records.js";
import { REGISTRIES, type RegistryName } from "./registries.js";
import * as repo from "./repository.js";
import {
  CHAOYANG_AGREEMENTS,
  CHAOYANG_EQUIPMENT,
  CHAOYANG_EXPERTS,
  CHAOYANG_SHELTERS,
  CHAOYANG_STOCK,
  CHAOYANG_SUPPLIES,
  CHAOYANG_TEAMS,
  CHAOYANG_WAREHOUSES,
} from "./seedChaoyang.js";
import {
  LUOLONG_EQUIPMENT,
  LUOLONG_EXPERTS,
  LUOLONG_SHELTERS,
  LUOLONG_STOCK,
  LUOLONG_SUPPLIES,
  LUOLONG_TEAMS,
  LUOLONG_WAREHOUSES,
} from "./seedLuolong.js";
import { openShelter, setOccupancy } from "./shelters.js";
import { createStockLine } from "./stock.js";

const SYSTEM = { id: "system:seed" };

/** A calendar day (Asia/Shanghai) `days` from now, so the demo always has one line about to expire. */
const dayFrom = (now: Date, days: number) =>
  new Date(now.getTime() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

type Rec = Record<string, unknown>;

const SEED_DIRECTOR: SessionUser = {
  id: "system:seed",
  username: "system",
  displayName: "演示数据",
  unitId: "committee",
  unitName: "区应急委",
  roles: ["committee_director"],
  categories: [],
  locale: "zh-CN",
};

/** 区应急办, which keeps the district's registries (000 §6.2): the demo records are entered as it. */
const SEED_OFFICE: SessionUser = {
  ...SEED_DIRECTOR,
  unitId: "office",
  unitName: "区应急办",
  roles: ["office_staff"],
};

interface DemoSet {
  teams: Rec[];
  experts: Rec[];
  warehouses: Rec[];
  supplies: Rec[];
  agreements: Rec[];
  shelters: Rec[];
  equipment: Rec[];
  stock: [string, string, string, number | null, string, number][];
  /** The shelter opened in the demo, and the user who may open it under this plan. */
  openShelter?: { code: string; by: SessionUser; occupancy: number };
}

/** Demo records per district (they name each district's own units and places). */
const DEMO_SETS: Record<string, DemoSet> = {
  "110105": {
    teams: CHAOYANG_TEAMS,
    experts: CHAOYANG_EXPERTS,
    warehouses: CHAOYANG_WAREHOUSES,
    supplies: CHAOYANG_SUPPLIES,
    agreements: CHAOYANG_AGREEMENTS,
    shelters: CHAOYANG_SHELTERS,
    equipment: CHAOYANG_EQUIPMENT,
    stock: CHAOYANG_STOCK,
    openShelter: { code: "BN-001", by: SEED_DIRECTOR, occupancy: 1260 },
  },
  "410311": {
    teams: LUOLONG_TEAMS,
    experts: LUOLONG_EXPERTS,
    warehouses: LUOLONG_WAREHOUSES,
    supplies: LUOLONG_SUPPLIES,
    agreements: [],
    shelters: LUOLONG_SHELTERS,
    equipment: LUOLONG_EQUIPMENT,
    stock: LUOLONG_STOCK,
    // 002 §5.4.4 (6): 民政 and 人防 lead evacuation and resettlement (the profile's shelterActivation).
    openShelter: {
      code: "LL-BN-001",
      by: { ...SEED_OFFICE, unitId: "dept-civil-defence", unitName: "区人防办", roles: ["dept_head"] },
      occupancy: 320,
    },
  },
};

/** Loads the demo resources once, for the districts that have a demo set (Chaoyang, Luolong). */
export async function seedResourcesDemo(ctx: AppContext): Promise<void> {
  const set = DEMO_SETS[ctx.plan.org.district.code];
  if (!set) {
    return;
  }
  if ((await repo.countRecords(ctx.db, REGISTRIES.teams)) > 0) {
    return;
  }
  await runCommand(ctx, SYSTEM, async (scope) => {
    const ids = new Map<string, string>();
    const create = async (name: RegistryName, records: Rec[]) => {
      for (const r of records) {
        ids.set(String(r.code), await createRecord(ctx, scope, SEED_OFFICE, REGISTRIES[name], r));
      }
    };
    await create("teams", set.teams);
    await create("experts", set.experts);
    await create("warehouses", set.warehouses);
    await create("supplies", set.supplies);
    await create("agreements", set.agreements);
    await create("shelters", set.shelters);
    await create("equipment", set.equipment);
    for (const [warehouse, supply, batch, expiresIn, reserveMode, quantity] of set.stock) {
      await createStockLine(ctx, scope, SEED_OFFICE, {
        warehouseId: ids.get(warehouse) ?? "",
        supplyId: ids.get(supply) ?? "",
        batch,
        expiryDate: expiresIn === null ? null : dayFrom(scope.now, expiresIn),
        reserveMode,
        quantity,
        reason: "演示数据建账",
      });
    }
    const park = set.openShelter ? ids.get(set.openShelter.code) : undefined;
    if (park && set.openShelter) {
      await openShelter(ctx, scope, set.openShelter.by, park, { comment: "演示：已启用的避难场所" });
      await setOccupancy(ctx, scope, SEED_OFFICE, park, set.openShelter.occupancy);
    }
  });
}
