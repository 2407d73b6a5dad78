import type { Clock } from "./clock.js";
import type { Config } from "./config.js";
import type { Db, Dialect } from "./db/index.js";
import type { LoadedPlan } from "./modules/plans/active.js";

/** What every module needs, built once at start-up and passed down (no globals). */
export interface AppContext {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  config: Config;
  plan: LoadedPlan;
  version: string;
}
