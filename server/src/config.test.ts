import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, cliEnv } from "../../tests/support/cli.js";
import { createTestDatabase, type TestDatabase } from "../../tests/support/db.js";
import { type Config, ConfigError, loadConfig, REPO_ROOT } from "./config.js";

const run = promisify(execFile);

/** The problems a ConfigError lists for `env`, or [] when the environment is accepted. */
function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.problems;
    }
    throw error;
  }
}

describe("loadConfig", () => {
  it("has a working default for every setting (README: Configuration)", () => {
    expect(loadConfig({})).toEqual({
      server: { port: 8080, host: "0.0.0.0", trustedProxies: [] },
      database: { url: undefined, dataDir: path.join(REPO_ROOT, "data") },
      log: { level: "info" },
      plan: "chaoyang-2022",
      production: false,
      auth: {
        sessionIdleMinutes: 720,
        maxFailedLogins: 5,
        lockoutMinutes: 15,
        accountMaxFailedLogins: 50,
        accountLoginDelaySeconds: 5,
        tokenMaxDays: 90,
        passwordMinLength: 10,
        passwordMinClasses: 2,
        loginRateLimit: 20,
      },
      incidents: { duplicateRadiusM: 500, duplicateWindowMinutes: 180, escalationWebhookUrl: undefined },
      resources: { importMaxRows: 50_000 },
      response: { notifyWebhookUrl: undefined },
      sms: { url: undefined, token: undefined, rate: 50 },
      mail: { smtpUrl: undefined, from: "烽火预警 <noreply@fenghuo.local>" },
      warnings: { webhooks: [], upstreamUrl: undefined, publicBaseUrl: undefined, liftReminderMinutes: 60 },
      map: { tileUrl: undefined, tileAttribution: undefined },
      pdf: { font: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc" },
      demo: { password: undefined },
      webDir: path.join(REPO_ROOT, "dist", "web"),
    } satisfies Config);
  });

  const parsed: [string, string, (c: Config) => unknown, unknown][] = [
    ["PORT", "9090", (c) => c.server.port, 9090],
    ["PORT", "0", (c) => c.server.port, 0],
    ["HOST", "127.0.0.1", (c) => c.server.host, "127.0.0.1"],
    [
      "FENGHUO_TRUSTED_PROXIES",
      "127.0.0.1, 10.0.0.0/8",
      (c) => c.server.trustedProxies,
      ["127.0.0.1", "10.0.0.0/8"],
    ],
    ["DATABASE_URL", "postgres://u@db:5432/fh", (c) => c.database.url, "postgres://u@db:5432/fh"],
    ["DATABASE_URL", "", (c) => c.database.url, undefined],
    ["NODE_ENV", "production", (c) => c.production, true],
    ["NODE_ENV", "development", (c) => c.production, false],
    ["FENGHUO_DATA_DIR", "/srv/fenghuo", (c) => c.database.dataDir, "/srv/fenghuo"],
    ["FENGHUO_DATA_DIR", "rel/dir", (c) => c.database.dataDir, path.resolve("rel/dir")],
    ["FENGHUO_LOG_LEVEL", "debug", (c) => c.log.level, "debug"],
    ["FENGHUO_LOG_LEVEL", "silent", (c) => c.log.level, "silent"],
    ["FENGHUO_PLAN", "luolong", (c) => c.plan, "luolong"],
    ["FENGHUO_DEMO_PASSWORD", "s3cret-demo", (c) => c.demo.password, "s3cret-demo"],
    ["FENGHUO_SESSION_IDLE_MINUTES", "60", (c) => c.auth.sessionIdleMinutes, 60],
    ["FENGHUO_MAX_FAILED_LOGINS", "3", (c) => c.auth.maxFailedLogins, 3],
    ["FENGHUO_LOCKOUT_MINUTES", "30", (c) => c.auth.lockoutMinutes, 30],
    ["FENGHUO_ACCOUNT_MAX_FAILED_LOGINS", "20", (c) => c.auth.accountMaxFailedLogins, 20],
    ["FENGHUO_ACCOUNT_LOGIN_DELAY_SECONDS", "2", (c) => c.auth.accountLoginDelaySeconds, 2],
    ["FENGHUO_TOKEN_MAX_DAYS", "30", (c) => c.auth.tokenMaxDays, 30],
    ["FENGHUO_PASSWORD_MIN_LENGTH", "12", (c) => c.auth.passwordMinLength, 12],
    ["FENGHUO_PASSWORD_MIN_CLASSES", "3", (c) => c.auth.passwordMinClasses, 3],
    ["FENGHUO_LOGIN_RATE_LIMIT", "100", (c) => c.auth.loginRateLimit, 100],
    ["FENGHUO_DUPLICATE_RADIUS_M", "250", (c) => c.incidents.duplicateRadiusM, 250],
    ["FENGHUO_DUPLICATE_WINDOW_MINUTES", "60", (c) => c.incidents.duplicateWindowMinutes, 60],
    [
      "FENGHUO_ESCALATION_WEBHOOK_URL",
      "http://duty.local/hook",
      (c) => c.incidents.escalationWebhookUrl,
      "http://duty.local/hook",
    ],
    [
      "FENGHUO_RESPONSE_WEBHOOK_URL",
      "https://hq.local/end",
      (c) => c.response.notifyWebhookUrl,
      "https://hq.local/end",
    ],
    ["FENGHUO_SMS_URL", "http://sms.local/send", (c) => c.sms.url, "http://sms.local/send"],
    ["FENGHUO_SMS_TOKEN", "tok", (c) => c.sms.token, "tok"],
    ["FENGHUO_SMS_RATE", "12.5", (c) => c.sms.rate, 12.5],
    ["FENGHUO_IMPORT_MAX_ROWS", "200", (c) => c.resources.importMaxRows, 200],
    ["FENGHUO_SMTP_URL", "smtp://mail.local:25", (c) => c.mail.smtpUrl, "smtp://mail.local:25"],
    ["FENGHUO_MAIL_FROM", "预警 <w@x.cn>", (c) => c.mail.from, "预警 <w@x.cn>"],
    [
      "FENGHUO_WARNING_WEBHOOKS",
      "http://a.local/1, https://b.local/2,",
      (c) => c.warnings.webhooks,
      ["http://a.local/1", "https://b.local/2"],
    ],
    [
      "FENGHUO_WARNING_UPSTREAM_URL",
      "http://city.local/intake",
      (c) => c.warnings.upstreamUrl,
      "http://city.local/intake",
    ],
    ["FENGHUO_WARNING_LIFT_REMINDER_MINUTES", "30", (c) => c.warnings.liftReminderMinutes, 30],
    [
      "FENGHUO_PUBLIC_BASE_URL",
      "https://yj.example.cn/",
      (c) => c.warnings.publicBaseUrl,
      "https://yj.example.cn",
    ],
    [
      "FENGHUO_TILE_URL",
      "http://tiles.local/{z}/{x}/{y}.png",
      (c) => c.map.tileUrl,
      "http://tiles.local/{z}/{x}/{y}.png",
    ],
    [
      "FENGHUO_TILE_URL",
      "https://{s}.tile.local/{z}/{x}/{y}.png",
      (c) => c.map.tileUrl,
      "https://{s}.tile.local/{z}/{x}/{y}.png",
    ],
    ["FENGHUO_TILE_URL", "/tiles/{z}/{x}/{y}.png", (c) => c.map.tileUrl, "/tiles/{z}/{x}/{y}.png"],
    ["FENGHUO_TILE_ATTRIBUTION", "© 区测绘院", (c) => c.map.tileAttribution, "© 区测绘院"],
    ["FENGHUO_PDF_FONT", "/fonts/cjk.ttc", (c) => c.pdf.font, "/fonts/cjk.ttc"],
  ];
  it.each(parsed)("reads %s=%s", (name, value, read, expected) => {
    expect(read(loadConfig({ [name]: value }))).toEqual(expected);
  });

  it("names an unknown FENGHUO_ variable and suggests the closest known name", () => {
    expect(problems({ FENGHUO_SMS_ULR: "http://sms.local" })).toEqual([
      "未知的环境变量 FENGHUO_SMS_ULR（是否应为 FENGHUO_SMS_URL？）",
    ]);
    expect(problems({ FENGHUO_SOMETHING_ELSE: "1" })).toEqual(["未知的环境变量 FENGHUO_SOMETHING_ELSE"]);
  });

  it("accepts FENGHUO_PASSWORD (input of `users create`) and ignores variables outside the prefix", () => {
    expect(problems({ FENGHUO_PASSWORD: "x", PATH: "/usr/bin", VITEST: "true", FENGHUOX: "1" })).toEqual([]);
  });

  const invalid: [string, string, string][] = [
    ["PORT", "abc", '环境变量 PORT="abc" 无效，应为 0–65535 的整数'],
    [
      "FENGHUO_TRUSTED_PROXIES",
      "10.0.0.0/33",
      '环境变量 FENGHUO_TRUSTED_PROXIES="10.0.0.0/33" 无效，应为 逗号分隔的代理 IP 地址或网段（如 127.0.0.1,10.0.0.0/8）',
    ],
    ["PORT", "70000", '环境变量 PORT="70000" 无效，应为 0–65535 的整数'],
    [
      "FENGHUO_LOG_LEVEL",
      "verbose",
      '环境变量 FENGHUO_LOG_LEVEL="verbose" 无效，应为 fatal、error、warn、info、debug、trace、silent',
    ],
    ["NODE_ENV", "prod", '环境变量 NODE_ENV="prod" 无效，应为 development、production 或 test'],
    [
      "DATABASE_URL",
      "mysql://root:pw@db/fh",
      "环境变量 DATABASE_URL 无效，应为 postgres:// 或 postgresql:// 连接串",
    ],
    [
      "FENGHUO_SESSION_IDLE_MINUTES",
      "0",
      '环境变量 FENGHUO_SESSION_IDLE_MINUTES="0" 无效，应为 正整数（分钟）',
    ],
    [
      "FENGHUO_WARNING_LIFT_REMINDER_MINUTES",
      "0",
      '环境变量 FENGHUO_WARNING_LIFT_REMINDER_MINUTES="0" 无效，应为 正整数（分钟）',
    ],
    ["FENGHUO_MAX_FAILED_LOGINS", "2.5", '环境变量 FENGHUO_MAX_FAILED_LOGINS="2.5" 无效，应为 正整数'],
    [
      "FENGHUO_DUPLICATE_RADIUS_M",
      "500m",
      '环境变量 FENGHUO_DUPLICATE_RADIUS_M="500m" 无效，应为 非负数（米）',
    ],
    ["FENGHUO_SMS_RATE", "0", '环境变量 FENGHUO_SMS_RATE="0" 无效，应为 正数（条/秒）'],
    ["FENGHUO_IMPORT_MAX_ROWS", "0", '环境变量 FENGHUO_IMPORT_MAX_ROWS="0" 无效，应为 正整数（行）'],
    [
      "FENGHUO_SMS_URL",
      "sms.local/send",
      '环境变量 FENGHUO_SMS_URL="sms.local/send" 无效，应为 http(s) 网址',
    ],
    [
      "FENGHUO_ESCALATION_WEBHOOK_URL",
      "ftp://x/y",
      '环境变量 FENGHUO_ESCALATION_WEBHOOK_URL="ftp://x/y" 无效，应为 http(s) 网址',
    ],
    [
      "FENGHUO_SMTP_URL",
      "http://mail.local",
      "环境变量 FENGHUO_SMTP_URL 无效，应为 smtp:// 或 smtps:// 网址",
    ],
    [
      "FENGHUO_WARNING_WEBHOOKS",
      "http://a.local, b.local",
      '环境变量 FENGHUO_WARNING_WEBHOOKS="http://a.local, b.local" 无效，应为 逗号分隔的 http(s) 网址',
    ],
    [
      "FENGHUO_PUBLIC_BASE_URL",
      "/portal",
      '环境变量 FENGHUO_PUBLIC_BASE_URL="/portal" 无效，应为 http(s) 绝对网址',
    ],
    [
      "FENGHUO_TILE_URL",
      "tiles/{z}/{x}/{y}.png",
      '环境变量 FENGHUO_TILE_URL="tiles/{z}/{x}/{y}.png" 无效，应为 瓦片地址模板（http(s)://… 或 /…，含 {z}/{x}/{y}）',
    ],
  ];
  it.each(invalid)("rejects %s=%s naming the variable", (name, value, message) => {
    expect(problems({ [name]: value })).toEqual([message]);
  });

  it("lists every problem at once, in a ConfigError whose message names them", () => {
    const env = { PORT: "abc", FENGHUO_SMS_ULR: "x", FENGHUO_SMS_URL: "nope" };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(problems(env)).toHaveLength(3);
    expect(() => loadConfig(env)).toThrow(
      /配置有误，未启动（3 处）[\s\S]*FENGHUO_SMS_ULR[\s\S]*PORT[\s\S]*FENGHUO_SMS_URL/,
    );
  });
});

describe("fenghuo serve", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it("refuses to start with a mistyped variable, names it and exits non-zero", async () => {
    const failed = await run("node", [CLI, "serve"], {
      env: cliEnv(db, { PORT: "0", HOST: "127.0.0.1", FENGHUO_SMS_ULR: "http://127.0.0.1:9/sms" }),
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain("未知的环境变量 FENGHUO_SMS_ULR（是否应为 FENGHUO_SMS_URL？）");
  });
});
