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
import { activeDemoAccounts, type DemoOptions, demoLoaded, ensureOrg, seedDemo } from "./demo/seed.js";
import { EventHub } from "./events/hub.js";
import { newSecret } from "./modules/auth/index.js";
import { configuredChannels, webhookAdapter } from "./modules/notify/index.js";
import { UnitDirectory } from "./modules/org/index.js";
import { loadActivePlan } from "./modules/plans/index.js";
import { passwordProblems } from "./modules/users/index.js";
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

/** A random demo password that meets the configured policy (random base64url almost always does). */
function generatedPassword(ctx: AppContext): string {
  const length = Math.ceil(Math.max(12, ctx.config.auth.passwordMinLength) * 0.75);
  for (;;) {
    const candidate = newSecret(length);
    if (passwordProblems(candidate, ctx.config.auth).length === 0) {
      return candidate;
    }
  }
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
  if (envPassword) {
    const problems = passwordProblems(envPassword, ctx.config.auth);
    if (problems.length > 0) {
      throw new Error(`FENGHUO_DEMO_PASSWORD 不符合密码规则：${problems.join("；")}`);
    }
  }
  const password = envPassword || generatedPassword(ctx);
  const accounts = await seedDemo(ctx, password, options);
  if (!envPassword) {
    fs.mkdirSync(ctx.config.database.dataDir, { recursive: true });
    fs.writeFileSync(credentialsFile, `accounts: ${accounts.join(", ")}\npassword: ${password}\n`, {
      mode: 0o600,
    });
  }
  return { created: true, accounts, password, credentialsFile };
}

/**
 * A data directory that once ran `--demo` still has the demo accounts, on a password printed to a
 * console or kept in a file: production does not start until they are disabled.
 */
async function refuseDemoAccountsInProduction(ctx: AppContext): Promise<void> {
  const accounts = await activeDemoAccounts(ctx);
  if (accounts.length > 0) {
    throw new Error(
      [
        `NODE_ENV=production：数据库中仍有 ${accounts.length} 个在用的演示账号（${accounts.join(", ")}），其密码是演示密码，拒绝启动。`,
        "请先建立自己的系统管理员账号：FENGHUO_PASSWORD=… npx fenghuo users create --username … --name … --unit … --roles admin",
        "再停用演示账号（记入审计日志）：npx fenghuo users disable-demo",
      ].join("\n"),
    );
  }
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
  if (ctx.config.production) {
    await refuseDemoAccountsInProduction(ctx);
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
