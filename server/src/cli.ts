import { parseArgs } from "node:util";
import { ROLES, type Role } from "../../shared/roles.js";
import { type Config, loadConfig } from "./config.js";
import { demoAccounts } from "./demo/accounts.js";
import { activeDemoAccounts, ensureOrg } from "./demo/seed.js";
import { runCommand } from "./http/command.js";
import { verifyAuditChain } from "./modules/audit/index.js";
import { endUserSessions } from "./modules/auth/index.js";
import { runPlanLint } from "./modules/plans/index.js";
import { createUser, disableAccounts } from "./modules/users/index.js";
import { openRuntime, startServer } from "./server.js";

const USAGE = `用法: fenghuo <命令>
  serve [--demo] [--port N]      启动服务（--demo：首次运行时加载朝阳区演示数据）
  migrate                        迁移数据库到最新结构
  users create --username U --name 姓名 --unit 单元ID --roles r1,r2 [--categories 自然灾害,...]
                                 新建用户（密码取自环境变量 FENGHUO_PASSWORD）
  users disable-demo             停用演示账号（生产环境有在用的演示账号时拒绝启动）
  audit verify                   校验审计哈希链（完好退出 0，否则指出第一条问题记录）
  plan lint FILE                 校验预案配置文件
环境变量: PORT, DATABASE_URL, FENGHUO_PLAN, FENGHUO_DATA_DIR, FENGHUO_DEMO_PASSWORD … 见 README「Configuration」；
未知的 FENGHUO_ 变量或无效的值会使启动失败`;

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case "serve": {
      const { values } = parseArgs({
        args: argv.slice(1),
        options: { demo: { type: "boolean", default: false }, port: { type: "string" } },
      });
      if (values.port) {
        const port = Number(values.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          console.error(`--port 的值 "${values.port}" 无效，应为 0–65535 的整数`);
          return 2;
        }
        config.server.port = port;
      }
      const runtime = await openRuntime(config);
      const { url, demo } = await startServer(runtime, { demo: values.demo ?? false });
      console.log(`\n烽火 Fenghuo 已启动: ${url}`);
      console.log(
        `数据库: ${runtime.ctx.dialect === "sqlite" ? `${config.database.dataDir}/fenghuo.db (SQLite)` : "PostgreSQL"}`,
      );
      console.log(`预案: ${runtime.ctx.plan.profile.meta.name}`);
      if (demo) {
        // The same list the demo seeder creates for this plan's org file (README "Demo accounts").
        console.log("演示账号:");
        for (const a of demoAccounts(runtime.ctx.plan.org, undefined, runtime.ctx.plan.categoryNames)) {
          console.log(`  ${a.username.padEnd(24)} ${a.displayName}`);
        }
        if (demo.created && demo.password && !config.demo.password) {
          console.log(`演示密码（仅显示这一次，另存于 ${demo.credentialsFile}）: ${demo.password}`);
        } else if (config.demo.password) {
          console.log("演示密码: 环境变量 FENGHUO_DEMO_PASSWORD 的值");
        } else {
          console.log(`演示密码见 ${demo.credentialsFile}`);
        }
      }
      console.log(`API 文档: ${url}/api/docs\n`);
      return -1;
    }
    case "migrate": {
      const runtime = await openRuntime(config);
      await ensureOrg(runtime.ctx);
      console.log(`数据库已是最新结构（${runtime.ctx.dialect}）`);
      await runtime.close();
      return 0;
    }
    case "users": {
      if (sub === "disable-demo") {
        return disableDemo(config);
      }
      if (sub !== "create") {
        break;
      }
      const { values } = parseArgs({
        args: rest,
        options: {
          username: { type: "string" },
          name: { type: "string" },
          unit: { type: "string" },
          roles: { type: "string" },
          categories: { type: "string" },
        },
      });
      // The new user's password is this command's own input, not a server setting (kept out of argv).
      const password = process.env.FENGHUO_PASSWORD;
      const roles = (values.roles ?? "").split(",").filter(Boolean);
      const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
      if (
        !values.username ||
        !values.name ||
        !values.unit ||
        roles.length === 0 ||
        !password ||
        bad.length > 0
      ) {
        console.error(bad.length > 0 ? `未知角色: ${bad.join(", ")}（可用: ${ROLES.join(", ")}）` : USAGE);
        return 2;
      }
      const runtime = await openRuntime(config);
      try {
        await ensureOrg(runtime.ctx);
        await runCommand(runtime.ctx, { id: "cli" }, (scope) =>
          createUser(runtime.ctx, scope, {
            username: values.username ?? "",
            displayName: values.name ?? "",
            unitId: values.unit ?? "",
            roles: roles as Role[],
            categories: (values.categories ?? "").split(",").filter(Boolean),
            password,
          }),
        );
        console.log(`已创建用户 ${values.username}`);
        return 0;
      } finally {
        await runtime.close();
      }
    }
    case "audit": {
      if (sub !== "verify") {
        break;
      }
      const runtime = await openRuntime(config);
      try {
        const result = await verifyAuditChain(runtime.ctx.db);
        if (result.ok) {
          console.log(`审计链完好：共 ${result.rows} 条记录`);
          return 0;
        }
        console.error(`审计链损坏：第一条问题记录 seq=${result.break.seq}：${result.break.reason}`);
        return 1;
      } finally {
        await runtime.close();
      }
    }
    case "plan": {
      if (sub !== "lint" || !rest[0]) {
        break;
      }
      return runPlanLint(rest[0], process.stdout);
    }
    default:
      break;
  }
  console.error(USAGE);
  return 2;
}

/** `users disable-demo`: the active demo accounts are disabled (audited; sessions and tokens end). */
async function disableDemo(config: Config): Promise<number> {
  const runtime = await openRuntime(config);
  try {
    await ensureOrg(runtime.ctx);
    const accounts = await activeDemoAccounts(runtime.ctx);
    if (accounts.length === 0) {
      console.log("没有在用的演示账号");
      return 0;
    }
    const disabled = await runCommand(runtime.ctx, { id: "cli" }, (scope) =>
      disableAccounts(scope, endUserSessions, accounts),
    );
    console.log(`已停用演示账号: ${disabled.join(", ")}`);
    return 0;
  } finally {
    await runtime.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) {
      process.exit(code);
    }
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
