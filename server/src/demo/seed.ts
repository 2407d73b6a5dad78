import type { AppContext } from "../context.js";
import { runCommand } from "../http/command.js";
import { listAudit } from "../modules/audit/index.js";
import { seedIncidentsDemo } from "../modules/incidents/index.js";
import { countUnits, firstUnitOfTypes, seedOrgUnits } from "../modules/org/index.js";
import { seedResourcesDemo } from "../modules/resources/index.js";
import { seedResponseDemo } from "../modules/response/index.js";
import { createUser, findUserByUsername } from "../modules/users/index.js";
import { seedWarningsDemo } from "../modules/warnings/index.js";
import { demoAccounts } from "./accounts.js";

const SYSTEM = { id: "system:seed" };

/** Loads the org tree once into an empty database (every deployment needs it). */
export async function ensureOrg(ctx: AppContext): Promise<boolean> {
  const seeded = (await countUnits(ctx.db)) === 0;
  if (seeded) {
    await runCommand(ctx, SYSTEM, (scope) => seedOrgUnits(scope, ctx.plan.org));
  }
  await ctx.units.load();
  return seeded;
}

/** True when the demo accounts are already there (demo data is loaded on first run only). */
export async function demoLoaded(ctx: AppContext): Promise<boolean> {
  return (await findUserByUsername(ctx.db, "admin")) !== undefined;
}

/**
 * The demo accounts still active: accounts with a demo username that the demo seeder created (an
 * operator's own `admin` made with `users create` is not one). Their password is the demo password.
 */
export async function activeDemoAccounts(ctx: AppContext): Promise<string[]> {
  const names = demoAccounts(ctx.plan.org, undefined, ctx.plan.categoryNames).map((a) => a.username);
  const active: string[] = [];
  for (const name of names) {
    const row = await findUserByUsername(ctx.db, name);
    if (!row || row.disabled === 1) {
      continue;
    }
    const [created] = await listAudit(ctx.db, {
      entityType: "user",
      entityId: row.id,
      action: "user.create",
      limit: 1,
    });
    if (created?.request_id === SYSTEM.id) {
      active.push(name);
    }
  }
  return active;
}

export interface DemoOptions {
  /**
   * The demo incidents and the response built on one (default true). Test servers leave them out:
   * they start from the demo accounts and count their own incidents and notices.
   */
  incidents?: boolean;
}

/**
 * Demo data for a newcomer: one account per role. Later modules add their demo records here
 * (incidents, warnings, teams, shelters) so every page shows something real.
 */
export async function seedDemo(
  ctx: AppContext,
  password: string,
  options: DemoOptions = {},
): Promise<string[]> {
  await ensureOrg(ctx);
  const firstStreet = await firstUnitOfTypes(ctx.db, ["street", "township"]);
  const accounts = demoAccounts(ctx.plan.org, firstStreet, ctx.plan.categoryNames);
  await runCommand(ctx, SYSTEM, async (scope) => {
    for (const a of accounts) {
      await createUser(ctx, scope, { ...a, password });
    }
  });
  await seedResourcesDemo(ctx);
  if (options.incidents ?? true) {
    await seedIncidentsDemo(ctx);
    await seedResponseDemo(ctx);
  }
  await seedWarningsDemo(ctx);
  return accounts.map((a) => a.username);
}
