import path from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root, resolved from this file so the CLI works from any working directory. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL when set; otherwise the embedded SQLite file under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  plan: string;
  production: boolean;
  /** Sessions expire after this long without use. */
  sessionIdleMinutes: number;
  /** Lock an account for lockoutMinutes after this many consecutive failed logins. */
  maxFailedLogins: number;
  lockoutMinutes: number;
  /** Per-IP login attempts per minute before 429. */
  loginRateLimit: number;
  /** Serve the built web app from this folder when it exists. */
  webDir: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: Number(env.PORT ?? 8080),
    host: env.HOST ?? "0.0.0.0",
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.FENGHUO_DATA_DIR ?? path.join(REPO_ROOT, "data")),
    plan: env.FENGHUO_PLAN ?? "chaoyang-2022",
    production: env.NODE_ENV === "production",
    sessionIdleMinutes: Number(env.FENGHUO_SESSION_IDLE_MINUTES ?? 12 * 60),
    maxFailedLogins: Number(env.FENGHUO_MAX_FAILED_LOGINS ?? 5),
    lockoutMinutes: Number(env.FENGHUO_LOCKOUT_MINUTES ?? 15),
    loginRateLimit: Number(env.FENGHUO_LOGIN_RATE_LIMIT ?? 20),
    webDir: path.join(REPO_ROOT, "dist", "web"),
  };
}
