import { randomUUID } from "node:crypto";
import type { Principal } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import { AppError, unauthorized } from "../../errors.js";
import { sessionEnded } from "../../events/hub.js";
import { type CommandScope, runCommand } from "../../http/command.js";
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
  deleteSessionsOfUser,
  findApiToken,
  findSessionWithUser,
  insertSession,
  markTokenUsed,
  revokeTokensOfUser,
  scopesOf,
  sessionOpen,
  touchSession,
} from "./repository.js";
import type { LoginThrottle } from "./throttle.js";
import { API_TOKEN_PREFIX, newSecret, sha256 } from "./tokens.js";

const MINUTE = 60_000;
/** Sessions are refreshed at most this often, so reading the API does not write on every request. */
const TOUCH_INTERVAL_MS = 5 * MINUTE;

let dummyHash: Promise<string> | undefined;
/** Verifying against a dummy hash for unknown users keeps response time from revealing who exists. */
export function timingDummy(): Promise<string> {
  dummyHash ??= hashPassword(newSecret());
  return dummyHash;
}

export interface LoginResult {
  principal: Principal;
  sessionToken: string;
  expiresAt: Date;
}

/** 429 with how long to wait; the same for every username, known or not. */
function loginThrottled(seconds: number): AppError {
  return new AppError(
    429,
    "rate-limited",
    "请求过于频繁",
    `登录失败次数过多，请 ${seconds} 秒后再试`,
    undefined,
    { retryAfter: seconds },
  );
}

/**
 * Signs a user in. A wrong password and an unknown username get the same answer, after the same
 * work (a password hash and one audited write); failures slow the client that makes them, never the
 * owner elsewhere (throttle.ts).
 */
export async function login(
  ctx: AppContext,
  throttle: LoginThrottle,
  req: { id: string; ip: string },
  username: string,
  password: string,
): Promise<LoginResult> {
  const now = ctx.clock.now();
  const wait = throttle.waitSeconds(req.ip, username, now.getTime());
  if (wait > 0) {
    throw loginThrottled(wait);
  }
  const row = await findUserByUsername(ctx.db, username);
  const ok = await verifyPassword(row?.password_hash ?? (await timingDummy()), password);
  if (!row || !ok) {
    throttle.recordFailure(req.ip, username, now.getTime());
    await runCommand(ctx, req, async ({ trx, audit }) => {
      if (row) {
        await setLoginFailures(trx, row.id, row.failed_logins + 1, null);
      }
      await audit({
        action: "auth.login_failed",
        entityType: row ? "user" : "login",
        entityId: row ? row.id : username,
        after: { client: req.ip, ...(row ? { failedLogins: row.failed_logins + 1 } : {}) },
      });
    });
    throw unauthorized("用户名或密码错误");
  }
  throttle.recordSuccess(req.ip, username);
  if (row.disabled) {
    // Only someone who knows the password learns that the account is disabled.
    throw unauthorized("账号已停用，请联系管理员");
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
  const userId = req.principal?.user.id ?? "";
  await runCommand(ctx, req, async ({ trx, audit, publish }) => {
    await deleteSession(trx, sessionId);
    await audit({ action: "auth.logout", entityType: "session", entityId: sessionId });
    publish(sessionEnded(userId, { sessionId }));
  });
}

/**
 * Ends a user's sessions (all, or all but the caller's own) and revokes their API tokens, in the
 * command's transaction; their live streams close once it commits. Used on disable, password reset
 * and password change (the users module receives it as its `EndSessions`).
 */
export async function endUserSessions(
  scope: CommandScope,
  userId: string,
  options: { reason: string; exceptSessionId?: string | undefined },
): Promise<void> {
  await deleteSessionsOfUser(scope.trx, userId, options.exceptSessionId);
  const revoked = await revokeTokensOfUser(scope.trx, userId, scope.now.toISOString());
  if (revoked.length > 0) {
    await scope.audit({
      action: "token.revoke",
      entityType: "user",
      entityId: userId,
      after: { tokens: revoked, reason: options.reason },
    });
  }
  scope.publish(
    sessionEnded(userId, options.exceptSessionId ? { exceptSessionId: options.exceptSessionId } : {}),
  );
}

/** Whether a stream's session is still open (checked on each heartbeat: idle expiry, deletion). */
export function sessionStillOpen(ctx: AppContext, sessionId: string): Promise<boolean> {
  return sessionOpen(ctx.db, sessionId, ctx.clock.now().toISOString());
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
  const now = ctx.clock.now().toISOString();
  if (!token || token.revoked_at || token.token_hash !== sha256(secret)) {
    return undefined;
  }
  if (!token.expires_at || token.expires_at <= now) {
    return undefined;
  }
  const row = await findUserById(ctx.db, token.user_id);
  if (!row || row.disabled) {
    return undefined;
  }
  if (!token.last_used_at || token.last_used_at.slice(0, 13) !== now.slice(0, 13)) {
    // Hourly resolution is enough to see whether a token is still in use.
    await markTokenUsed(ctx.db, id, now);
  }
  return { user: toSessionUser(row), via: "token", scopes: scopesOf(token) };
}

export function formatBearer(id: string, secret: string): string {
  return `${API_TOKEN_PREFIX}${id}.${secret}`;
}
