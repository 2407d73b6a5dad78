import { randomUUID } from "node:crypto";
import type { Principal } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import { rateLimited, unauthorized } from "../../errors.js";
import { runCommand } from "../../http/command.js";
import {
  findUserById,
  findUserByUsername,
  hashPassword,
  setLoginFailures,
  toSessionUser,
  verifyPassword,
} from "../users/index.js";
import {
  deleteSession,
  findApiToken,
  findSessionWithUser,
  insertSession,
  markTokenUsed,
  scopesOf,
  touchSession,
} from "./repository.js";
import { API_TOKEN_PREFIX, newSecret, sha256 } from "./tokens.js";

const MINUTE = 60_000;
/** Sessions are refreshed at most this often, so reading the API does not write on every request. */
const TOUCH_INTERVAL_MS = 5 * MINUTE;

let dummyHash: Promise<string> | undefined;
/** Verifying against a dummy hash for unknown users keeps response time from revealing who exists. */
function timingDummy(): Promise<string> {
  dummyHash ??= hashPassword(newSecret());
  return dummyHash;
}

export interface LoginResult {
  principal: Principal;
  sessionToken: string;
  expiresAt: Date;
}

/** 000-independent account rule: lock after `maxFailedLogins` consecutive failures. */
export async function login(
  ctx: AppContext,
  req: { id: string },
  username: string,
  password: string,
): Promise<LoginResult> {
  const row = await findUserByUsername(ctx.db, username);
  if (!row) {
    await verifyPassword(await timingDummy(), password);
    throw unauthorized("用户名或密码错误");
  }
  const now = ctx.clock.now();
  if (row.locked_until && row.locked_until > now.toISOString()) {
    const minutes = Math.ceil((new Date(row.locked_until).getTime() - now.getTime()) / MINUTE);
    throw rateLimited(`登录失败次数过多，账号已锁定，请 ${minutes} 分钟后再试或联系管理员`);
  }
  const ok = await verifyPassword(row.password_hash, password);
  if (!ok || row.disabled) {
    const failures = row.failed_logins + 1;
    const lock = failures >= ctx.config.auth.maxFailedLogins;
    const lockedUntil = lock
      ? new Date(now.getTime() + ctx.config.auth.lockoutMinutes * MINUTE).toISOString()
      : null;
    await runCommand(ctx, req, async ({ trx, audit }) => {
      await setLoginFailures(trx, row.id, lock ? 0 : failures, lockedUntil);
      await audit({
        action: lock ? "auth.lockout" : "auth.login_failed",
        entityType: "user",
        entityId: row.id,
        after: { failedLogins: failures, lockedUntil },
      });
    });
    if (lock) {
      throw rateLimited(`连续 ${failures} 次登录失败，账号已锁定 ${ctx.config.auth.lockoutMinutes} 分钟`);
    }
    throw unauthorized(row.disabled ? "账号已停用，请联系管理员" : "用户名或密码错误");
  }
  const user = toSessionUser(row);
  const sessionToken = newSecret();
  const csrfToken = newSecret(24);
  const sessionId = randomUUID();
  const expiresAt = new Date(now.getTime() + ctx.config.auth.sessionIdleMinutes * MINUTE);
  const principal: Principal = { user, via: "session", sessionId, csrfToken };
  await runCommand(ctx, { id: req.id, principal }, async ({ trx, audit }) => {
    await setLoginFailures(trx, row.id, 0, null);
    await insertSession(trx, {
      id: sessionId,
      token_hash: sha256(sessionToken),
      user_id: user.id,
      csrf_token: csrfToken,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
    });
    await audit({
      action: "auth.login",
      entityType: "session",
      entityId: sessionId,
      after: { userId: user.id },
    });
  });
  return { principal, sessionToken, expiresAt };
}

export async function logout(ctx: AppContext, req: { id: string; principal?: Principal | undefined }) {
  const sessionId = req.principal?.sessionId;
  if (!sessionId) {
    return;
  }
  await runCommand(ctx, req, async ({ trx, audit }) => {
    await deleteSession(trx, sessionId);
    await audit({ action: "auth.logout", entityType: "session", entityId: sessionId });
  });
}

/** Resolves a session cookie to its principal, sliding the idle expiry; undefined if invalid. */
export async function principalFromSession(ctx: AppContext, token: string): Promise<Principal | undefined> {
  // One query per request: session, user and unit together (this runs on every API call).
  const row = await findSessionWithUser(ctx.db, sha256(token));
  const now = ctx.clock.now();
  if (!row || row.expires_at <= now.toISOString() || row.disabled) {
    return undefined;
  }
  if (now.getTime() - new Date(row.last_seen_at).getTime() > TOUCH_INTERVAL_MS) {
    const expires = new Date(now.getTime() + ctx.config.auth.sessionIdleMinutes * MINUTE);
    await touchSession(ctx.db, row.session_id, now.toISOString(), expires.toISOString());
  }
  return { user: toSessionUser(row), via: "session", sessionId: row.session_id, csrfToken: row.csrf_token };
}

/** Bearer tokens look like `fh_<id>.<secret>`; the id finds the row, the secret's hash must match. */
export async function principalFromBearer(ctx: AppContext, bearer: string): Promise<Principal | undefined> {
  if (!bearer.startsWith(API_TOKEN_PREFIX)) {
    return undefined;
  }
  const [id, secret] = bearer.slice(API_TOKEN_PREFIX.length).split(".");
  if (!id || !secret) {
    return undefined;
  }
  const token = await findApiToken(ctx.db, id);
  if (!token || token.revoked_at || token.token_hash !== sha256(secret)) {
    return undefined;
  }
  const row = await findUserById(ctx.db, token.user_id);
  if (!row || row.disabled) {
    return undefined;
  }
  const now = ctx.clock.now().toISOString();
  if (!token.last_used_at || token.last_used_at.slice(0, 13) !== now.slice(0, 13)) {
    // Hourly resolution is enough to see whether a token is still in use.
    await markTokenUsed(ctx.db, id, now);
  }
  return { user: toSessionUser(row), via: "token", scopes: scopesOf(token) };
}

export function formatBearer(id: string, secret: string): string {
  return `${API_TOKEN_PREFIX}${id}.${secret}`;
}
