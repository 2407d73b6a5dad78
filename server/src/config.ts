import { isIP } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Static, type TSchema, Type } from "typebox";
import { Value } from "typebox/value";
import { IMPORT_MAX_ROWS } from "../../shared/resources.js";

/** Repository root, resolved from this file so the CLI works from any working directory. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function isUrl(value: string, protocols: string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** An IP address or a CIDR range (10.0.0.0/8, ::1/128). */
function isAddressOrRange(value: string): boolean {
  const [address, bits, ...rest] = value.split("/");
  const version = isIP(address ?? "");
  if (version === 0 || rest.length > 0) {
    return false;
  }
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}

const optional = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Undefined()]);
const Count = Type.Integer({ minimum: 1 });
const HttpUrl = Type.Refine(Type.String(), (s: string) => isUrl(s, ["http:", "https:"]));
/** A Leaflet URL template ({z}/{x}/{y}, {s}): absolute http(s), or a path on this server. */
const TileTemplate = Type.Refine(Type.String(), (s: string) => {
  const probe = s.replace(/\{[a-z]+\}/gi, "a");
  return (
    isUrl(probe, ["http:", "https:"]) ||
    (probe.startsWith("/") && isUrl(`http://localhost${probe}`, ["http:"]))
  );
});

/** Every setting of one instance, validated once at start-up (sections follow the README table). */
export const ConfigSchema = Type.Object({
  server: Type.Object({
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    host: Type.String({ minLength: 1 }),
    /** Proxies (addresses or CIDR ranges) whose X-Forwarded-For is believed; empty = none. */
    trustedProxies: Type.Array(Type.Refine(Type.String(), isAddressOrRange)),
  }),
  database: Type.Object({
    /** PostgreSQL when set; otherwise the embedded SQLite file under dataDir. */
    url: optional(Type.Refine(Type.String(), (s: string) => isUrl(s, ["postgres:", "postgresql:"]))),
    dataDir: Type.String({ minLength: 1 }),
  }),
  /** Request and error logs (JSON lines on stdout, each with its request id); pino's levels, `silent` = none. */
  log: Type.Object({
    level: Type.Union([
      Type.Literal("fatal"),
      Type.Literal("error"),
      Type.Literal("warn"),
      Type.Literal("info"),
      Type.Literal("debug"),
      Type.Literal("trace"),
      Type.Literal("silent"),
    ]),
  }),
  /** The active plan profile: a name under plans/ or a path. */
  plan: Type.String({ minLength: 1 }),
  production: Type.Boolean(),
  auth: Type.Object({
    /** Sessions expire after this long without use. */
    sessionIdleMinutes: Count,
    /**
     * Failed logins one client may make for one username before it has to wait (1 s, 2 s, 4 s …);
     * the right password from another client is never refused for them.
     */
    maxFailedLogins: Count,
    /** The longest such wait, and how long failures are remembered (minutes). */
    lockoutMinutes: Count,
    /** Failed logins on one account from all clients before every attempt on it is spaced out. */
    accountMaxFailedLogins: Count,
    /** The spacing then: one attempt per this many seconds on that account (a fixed, short wait). */
    accountLoginDelaySeconds: Count,
    /** The longest lifetime of an API token, and the default. */
    tokenMaxDays: Count,
    /** Password policy: minimum length (never below the 8 of the request schema). */
    passwordMinLength: Type.Integer({ minimum: 8, maximum: 256 }),
    /** Password policy: how many kinds of character (letters, digits, other) a password mixes. */
    passwordMinClasses: Type.Integer({ minimum: 1, maximum: 3 }),
    /** Per-IP login attempts per minute before 429. */
    loginRateLimit: Count,
  }),
  incidents: Type.Object({
    /** A new incident of the same subtype this near and this recent is flagged as a possible duplicate. */
    duplicateRadiusM: Type.Number({ minimum: 0 }),
    duplicateWindowMinutes: Type.Number({ minimum: 0 }),
    /** When set, every overdue deadline is also sent to this URL through the outbox (channel webhook). */
    escalationWebhookUrl: optional(HttpUrl),
  }),
  resources: Type.Object({
    /** An import with more data rows than this is refused while it is read (issue 14: 413, nothing written). */
    importMaxRows: Count,
  }),
  response: Type.Object({
    /** When set, the end of a response is also sent here, one message per participating unit (000 §4.9). */
    notifyWebhookUrl: optional(HttpUrl),
  }),
  /** SMS gateway (HTTP); without a URL the sms channel has no adapter and messages wait in the outbox. */
  sms: Type.Object({
    url: optional(HttpUrl),
    token: optional(Type.String()),
    /** Messages per second. */
    rate: Type.Number({ exclusiveMinimum: 0 }),
  }),
  /** SMTP for e-mail; without a URL the email channel has no adapter. */
  mail: Type.Object({
    smtpUrl: optional(Type.Refine(Type.String(), (s: string) => isUrl(s, ["smtp:", "smtps:"]))),
    from: Type.String({ minLength: 1 }),
  }),
  warnings: Type.Object({
    /** Receive every warning message (CAP XML in the JSON payload): the 12345 hotline, screens, media. */
    webhooks: Type.Array(HttpUrl),
    /** The city platform's intake (filing 备案 and cross-area reports); unset = a filing task instead. */
    upstreamUrl: optional(HttpUrl),
    /** Absolute base of the public portal for links in the Atom feed (no trailing slash). */
    publicBaseUrl: optional(HttpUrl),
    /** Remind whoever may lift a published warning this long before its expected end (000 §3.3.1 第5项). */
    liftReminderMinutes: Count,
  }),
  /** Basemap tiles; unset = the offline basemap drawn from the district outline. */
  map: Type.Object({ tileUrl: optional(TileTemplate), tileAttribution: optional(Type.String()) }),
  pdf: Type.Object({ font: Type.String({ minLength: 1 }) }),
  /** Password of the demo accounts; unset = generated on first run and kept beside the database. */
  demo: Type.Object({ password: optional(Type.String({ minLength: 1 })) }),
  /** Serve the built web app from this folder when it exists. */
  webDir: Type.String(),
});

export type Config = Static<typeof ConfigSchema>;

interface Setting {
  /** Where the value goes in Config, e.g. "server.port". */
  at: string;
  default: unknown;
  /** What a valid value looks like, for the error message. */
  expect: string;
  parse?: (raw: string) => unknown;
  /** Never echo the value (it may hold a password or token). */
  secret?: boolean;
}

const number = (raw: string): unknown =>
  raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
const list = (raw: string): string[] =>
  raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
const NODE_ENVS = ["development", "production", "test"];

/** Every environment variable Fenghuo reads (README: Configuration), its place in Config and default. */
const SETTINGS: Record<string, Setting> = {
  PORT: { at: "server.port", default: 8080, parse: number, expect: "0–65535 的整数" },
  HOST: { at: "server.host", default: "0.0.0.0", expect: "主机名或 IP 地址" },
  FENGHUO_TRUSTED_PROXIES: {
    at: "server.trustedProxies",
    default: [],
    parse: list,
    expect: "逗号分隔的代理 IP 地址或网段（如 127.0.0.1,10.0.0.0/8）",
  },
  DATABASE_URL: {
    at: "database.url",
    default: undefined,
    expect: "postgres:// 或 postgresql:// 连接串",
    secret: true,
  },
  NODE_ENV: {
    at: "production",
    default: false,
    parse: (raw) => (NODE_ENVS.includes(raw) ? raw === "production" : raw),
    expect: "development、production 或 test",
  },
  FENGHUO_DATA_DIR: {
    at: "database.dataDir",
    default: path.join(REPO_ROOT, "data"),
    parse: (raw) => path.resolve(raw),
    expect: "目录路径",
  },
  FENGHUO_LOG_LEVEL: {
    at: "log.level",
    default: "info",
    expect: "fatal、error、warn、info、debug、trace、silent",
  },
  FENGHUO_PLAN: { at: "plan", default: "chaoyang-2022", expect: "plans/ 下的预案名或文件路径" },
  FENGHUO_DEMO_PASSWORD: { at: "demo.password", default: undefined, expect: "非空字符串", secret: true },
  FENGHUO_SESSION_IDLE_MINUTES: {
    at: "auth.sessionIdleMinutes",
    default: 12 * 60,
    parse: number,
    expect: "正整数（分钟）",
  },
  FENGHUO_MAX_FAILED_LOGINS: { at: "auth.maxFailedLogins", default: 5, parse: number, expect: "正整数" },
  FENGHUO_LOCKOUT_MINUTES: {
    at: "auth.lockoutMinutes",
    default: 15,
    parse: number,
    expect: "正整数（分钟）",
  },
  FENGHUO_ACCOUNT_MAX_FAILED_LOGINS: {
    at: "auth.accountMaxFailedLogins",
    default: 50,
    parse: number,
    expect: "正整数",
  },
  FENGHUO_ACCOUNT_LOGIN_DELAY_SECONDS: {
    at: "auth.accountLoginDelaySeconds",
    default: 5,
    parse: number,
    expect: "正整数（秒）",
  },
  FENGHUO_TOKEN_MAX_DAYS: { at: "auth.tokenMaxDays", default: 90, parse: number, expect: "正整数（天）" },
  FENGHUO_PASSWORD_MIN_LENGTH: {
    at: "auth.passwordMinLength",
    default: 10,
    parse: number,
    expect: "8–256 的整数",
  },
  FENGHUO_PASSWORD_MIN_CLASSES: {
    at: "auth.passwordMinClasses",
    default: 2,
    parse: number,
    expect: "1–3 的整数（字母、数字、其他字符中至少几类）",
  },
  FENGHUO_LOGIN_RATE_LIMIT: {
    at: "auth.loginRateLimit",
    default: 20,
    parse: number,
    expect: "正整数（每分钟次数）",
  },
  FENGHUO_DUPLICATE_RADIUS_M: {
    at: "incidents.duplicateRadiusM",
    default: 500,
    parse: number,
    expect: "非负数（米）",
  },
  FENGHUO_DUPLICATE_WINDOW_MINUTES: {
    at: "incidents.duplicateWindowMinutes",
    default: 180,
    parse: number,
    expect: "非负数（分钟）",
  },
  FENGHUO_ESCALATION_WEBHOOK_URL: {
    at: "incidents.escalationWebhookUrl",
    default: undefined,
    expect: "http(s) 网址",
  },
  FENGHUO_IMPORT_MAX_ROWS: {
    at: "resources.importMaxRows",
    default: IMPORT_MAX_ROWS,
    parse: number,
    expect: "正整数（行）",
  },
  FENGHUO_RESPONSE_WEBHOOK_URL: {
    at: "response.notifyWebhookUrl",
    default: undefined,
    expect: "http(s) 网址",
  },
  FENGHUO_SMS_URL: { at: "sms.url", default: undefined, expect: "http(s) 网址" },
  FENGHUO_SMS_TOKEN: { at: "sms.token", default: undefined, expect: "字符串", secret: true },
  FENGHUO_SMS_RATE: { at: "sms.rate", default: 50, parse: number, expect: "正数（条/秒）" },
  FENGHUO_SMTP_URL: {
    at: "mail.smtpUrl",
    default: undefined,
    expect: "smtp:// 或 smtps:// 网址",
    secret: true,
  },
  FENGHUO_MAIL_FROM: { at: "mail.from", default: "烽火预警 <noreply@fenghuo.local>", expect: "发件人地址" },
  FENGHUO_WARNING_WEBHOOKS: {
    at: "warnings.webhooks",
    default: [],
    parse: list,
    expect: "逗号分隔的 http(s) 网址",
  },
  FENGHUO_WARNING_UPSTREAM_URL: { at: "warnings.upstreamUrl", default: undefined, expect: "http(s) 网址" },
  FENGHUO_WARNING_LIFT_REMINDER_MINUTES: {
    at: "warnings.liftReminderMinutes",
    default: 60,
    parse: number,
    expect: "正整数（分钟）",
  },
  FENGHUO_PUBLIC_BASE_URL: {
    at: "warnings.publicBaseUrl",
    default: undefined,
    parse: (raw) => raw.replace(/\/$/, ""),
    expect: "http(s) 绝对网址",
  },
  FENGHUO_TILE_URL: {
    at: "map.tileUrl",
    default: undefined,
    expect: "瓦片地址模板（http(s)://… 或 /…，含 {z}/{x}/{y}）",
  },
  FENGHUO_TILE_ATTRIBUTION: { at: "map.tileAttribution", default: undefined, expect: "字符串" },
  FENGHUO_PDF_FONT: {
    at: "pdf.font",
    default: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    expect: "字体文件路径",
  },
};

/** FENGHUO_ variables that are input to one CLI command, not settings of the server. */
const COMMAND_INPUTS = ["FENGHUO_PASSWORD"];

const KNOWN = new Set([...Object.keys(SETTINGS).filter((n) => n.startsWith("FENGHUO_")), ...COMMAND_INPUTS]);

/** Start-up refused: every unknown FENGHUO_ variable and every invalid value, in one message. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置有误，未启动（${problems.length} 处）：\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads and validates the environment; throws a ConfigError naming every bad or unknown variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (name.startsWith("FENGHUO_") && !KNOWN.has(name)) {
      const guess = closest(name, [...KNOWN]);
      problems.push(`未知的环境变量 ${name}${guess ? `（是否应为 ${guess}？）` : ""}`);
    }
  }
  const candidate: Record<string, unknown> = { webDir: path.join(REPO_ROOT, "dist", "web") };
  for (const [name, setting] of Object.entries(SETTINGS)) {
    const raw = env[name];
    const value = raw === undefined || raw === "" ? setting.default : (setting.parse ?? String)(raw);
    if (!Value.Check(schemaAt(setting.at), value)) {
      const shown = setting.secret ? "" : `="${raw ?? ""}"`;
      problems.push(`环境变量 ${name}${shown} 无效，应为 ${setting.expect}`);
    }
    place(candidate, setting.at, value);
  }
  if (problems.length > 0 || !Value.Check(ConfigSchema, candidate)) {
    throw new ConfigError(problems);
  }
  return candidate;
}

/** The part of ConfigSchema at a dotted path ("server.port"). */
function schemaAt(at: string): TSchema {
  let schema: TSchema = ConfigSchema;
  for (const key of at.split(".")) {
    schema = (schema as { properties: Record<string, TSchema> }).properties[key] ?? Type.Never();
  }
  return schema;
}

function place(target: Record<string, unknown>, at: string, value: unknown): void {
  const keys = at.split(".");
  const last = keys.pop() ?? at;
  let node = target;
  for (const key of keys) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[last] = value;
}

/** The known name nearest to a typo (at most 3 edits away), for "did you mean". */
function closest(name: string, known: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance <= 3 && (!best || distance < best.distance)) {
      best = { name: candidate, distance };
    }
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
