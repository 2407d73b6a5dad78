import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import pg from "pg";
import { type BuildOptions, buildApp } from "./app.js";
import { type Clock, systemClock } from "./clock.js";
import type { Config } from "./config.js";
import type { AppContext } from "./context.js";
import { GroupCommitter } from "./db/groupCommit.js";
import { type DatabaseHandle, openDatabase } from "./db/index.js";
import { migrateToLatest } from "./db/migrate.js";
import { type DemoOptions, demoLoaded, ensureOrg, seedDemo } from "./demo/seed.js";
import { EventHub } from "./events/hub.js";
import { newSecret } from "./modules/auth/index.js";
import { configuredChannels, webhookAdapter } from "./modules/notify/index.js";
import { UnitDirectory } from "./modules/org/index.js";
import { loadActivePlan } from "./modules/plans/index.js";
import { Scheduler } from "./scheduler/scheduler.js";

const require = createRequire(import.meta.url);
export const VERSION = (require("../../package.json") as { version: string }).version;

export interface Runtime {
  ctx: AppContext;
  handle: DatabaseHandle;
  close(): Promise<void>;
}

/** Opens the database, migrates it and loads the plan profile; refuses to go on with an invalid plan. */
export async function openRuntime(
  config: Config,
  options: { clock?: Clock; pgSchema?: string } = {},
): Promise<Runtime> {
  const plan = loadActivePlan(config.plan);
  const handle = openDatabase({
    databaseUrl: config.database.url,
    sqliteFile: path.join(config.database.dataDir, "fenghuo.db"),
    ...(options.pgSchema ? { pgSchema: options.pgSchema } : {}),
  });
  await migrateToLatest(handle.db, handle.dialect);
  const events = new EventHub();
  if (handle.dialect === "postgres" && config.database.url) {
    await events.listen(
      new pg.Client({
        connectionString: config.database.url,
        ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
      }),
    );
  }
  const ctx: AppContext = {
    db: handle.db,
    dialect: handle.dialect,
    clock: options.clock ?? systemClock,
    config,
    plan,
    version: VERSION,
    events,
    scheduler: new Scheduler(),
    committer: handle.dialect === "sqlite" ? new GroupCommitter(handle.db) : undefined,
    units: new UnitDirectory(handle.db),
    channels: new Map([["webhook", webhookAdapter()], ...configuredChannels(config)]),
  };
  return {
    ctx,
    handle,
    close: async () => {
      await ctx.scheduler.drain();
      await events.close();
      await handle.close();
    },
  };
}

export interface DemoResult {
  created: boolean;
  accounts: string[];
  password: string | undefined;
  credentialsFile: string;
}

/**
 * Demo data on first run, with the password of `config.demo.password` or a generated one (printed
 * once and kept beside the database).
 */
export async function prepareDemo(ctx: AppContext, options: DemoOptions = {}): Promise<DemoResult> {
  if (ctx.config.production) {
    throw new Error("NODE_ENV=production 时禁止加载演示数据（--demo）");
  }
  const envPassword = ctx.config.demo.password;
  const credentialsFile = path.join(ctx.config.database.dataDir, "demo-credentials.txt");
  if (await demoLoaded(ctx)) {
    return { created: false, accounts: [], password: envPassword, credentialsFile };
  }
  const password = envPassword || newSecret(9);
  const accounts = await seedDemo(ctx, password, options);
  if (!envPassword) {
    fs.mkdirSync(ctx.config.database.dataDir, { recursive: true });
    fs.writeFileSync(credentialsFile, `accounts: ${accounts.join(", ")}\npassword: ${password}\n`, {
      mode: 0o600,
    });
  }
  return { created: true, accounts, password, credentialsFile };
}

export async function startServer(
  runtime: Runtime,
  options: {
    demo: boolean;
    /** With `demo`: also the demo incidents and the response built on one (default true). */
    demoIncidents?: boolean;
    /** Where the JSON log lines go (default stdout; the level is `config.log.level`). */
    logStream?: BuildOptions["logStream"];
    sweepIntervalMs?: number;
  },
): Promise<{ app: FastifyInstance; url: string; demo?: DemoResult }> {
  const { ctx } = runtime;
  const demo = options.demo
    ? await prepareDemo(ctx, { incidents: options.demoIncidents ?? true })
    : undefined;
  if (!demo) {
    await ensureOrg(ctx);
  }
  const app = await buildApp(ctx, options.logStream ? { logStream: options.logStream } : {});
  await app.listen({ port: ctx.config.server.port, host: ctx.config.server.host });
  // Catch up on everything that fell due while the server was down, then keep sweeping.
  await ctx.scheduler.runOnce(ctx);
  if (options.sweepIntervalMs !== 0) {
    ctx.scheduler.start(ctx, options.sweepIntervalMs ?? 5_000);
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : ctx.config.server.port;
  return { app, url: `http://localhost:${port}`, ...(demo ? { demo } : {}) };
}
