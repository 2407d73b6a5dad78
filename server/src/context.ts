import type { Clock } from "./clock.js";
import type { Config } from "./config.js";
import type { GroupCommitter } from "./db/groupCommit.js";
import type { Db, Dialect } from "./db/index.js";
import type { EventHub } from "./events/hub.js";
import type { ChannelAdapter } from "./modules/notify/index.js";
import type { UnitDirectory } from "./modules/org/index.js";
import type { LoadedPlan } from "./modules/plans/index.js";
import type { Scheduler } from "./scheduler/scheduler.js";

/** What every module needs, built once at start-up and passed down (no globals). */
export interface AppContext {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  config: Config;
  plan: LoadedPlan;
  version: string;
  /** Live events to SSE clients (and other instances via NOTIFY on PostgreSQL). */
  events: EventHub;
  /** Sweeps that act on due rows (deadlines, expiries, outbox retries). */
  scheduler: Scheduler;
  /** SQLite only: batches concurrent commands into shared commits (db/groupCommit.ts). */
  committer: GroupCommitter | undefined;
  /** The org tree (units, streets, communities), read once: it only changes when an empty database is seeded. */
  units: UnitDirectory;
  /** Outbox channel adapters by channel name (webhook, sms, email …). */
  channels: Map<string, ChannelAdapter>;
}
