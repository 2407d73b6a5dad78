import { Type } from "typebox";
import type { Db } from "../../db/index.js";
import { jsonColumn } from "../../db/json.js";
import { type Placeholders, prepared } from "../../db/prepared.js";
import type { ApiTokenTable, SessionTable } from "../../db/schema.js";
import { userQuery } from "../users/index.js";

export function insertSession(db: Db, row: SessionTable) {
  return db.insertInto("sessions").values(row).execute();
}

export function touchSession(db: Db, id: string, lastSeenAt: string, expiresAt: string) {
  return db
    .updateTable("sessions")
    .set({ last_seen_at: lastSeenAt, expires_at: expiresAt })
    .where("id", "=", id)
    .execute();
}

export function deleteSession(db: Db, id: string) {
  return db.deleteFrom("sessions").where("id", "=", id).execute();
}

/** Ends every session of a user, or every one but `exceptId` (the caller's own, on a password change). */
export function deleteSessionsOfUser(db: Db, userId: string, exceptId?: string) {
  return db
    .deleteFrom("sessions")
    .where("user_id", "=", userId)
    .$if(exceptId !== undefined, (q) => q.where("id", "<>", exceptId ?? ""))
    .execute();
}

/** Whether a session is still open (a live stream re-checks on its heartbeat). */
export async function sessionOpen(db: Db, id: string, now: string): Promise<boolean> {
  const row = await db
    .selectFrom("sessions")
    .select("id")
    .where("id", "=", id)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return row !== undefined;
}

const scopesColumn = jsonColumn("api_tokens.scopes", Type.Array(Type.String()));

/** What a bearer token may do ("read", "write"). */
export function scopesOf(token: Pick<ApiTokenTable, "scopes">): string[] {
  return scopesColumn.decode(token.scopes);
}

export function insertApiToken(db: Db, row: Omit<ApiTokenTable, "scopes"> & { scopes: string[] }) {
  return db
    .insertInto("api_tokens")
    .values({ ...row, scopes: scopesColumn.encode(row.scopes) })
    .execute();
}

export function findApiToken(db: Db, id: string) {
  return db.selectFrom("api_tokens").selectAll().where("id", "=", id).executeTakeFirst();
}

export function listApiTokens(db: Db, userId: string | undefined) {
  return db
    .selectFrom("api_tokens")
    .selectAll()
    .$if(userId !== undefined, (q) => q.where("user_id", "=", userId ?? ""))
    .orderBy("created_at", "desc")
    .execute();
}

export function revokeApiToken(db: Db, id: string, at: string) {
  return db.updateTable("api_tokens").set({ revoked_at: at }).where("id", "=", id).execute();
}

/** Revokes every live token of a user; returns the ids revoked (for the audit row). */
export async function revokeTokensOfUser(db: Db, userId: string, at: string): Promise<string[]> {
  const live = await db
    .selectFrom("api_tokens")
    .select("id")
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .execute();
  if (live.length > 0) {
    await db
      .updateTable("api_tokens")
      .set({ revoked_at: at })
      .where(
        "id",
        "in",
        live.map((t) => t.id),
      )
      .execute();
  }
  return live.map((t) => t.id);
}

export function markTokenUsed(db: Db, id: string, at: string) {
  return db.updateTable("api_tokens").set({ last_used_at: at }).where("id", "=", id).execute();
}

const sessionWithUser = prepared((db, p: Placeholders<{ tokenHash: string }>) =>
  userQuery(db)
    .innerJoin("sessions", "sessions.user_id", "users.id")
    .select([
      "sessions.id as session_id",
      "sessions.csrf_token",
      "sessions.last_seen_at",
      "sessions.expires_at",
    ])
    .where("sessions.token_hash", "=", p.tokenHash),
);

/** A session with its user and unit, in one query: this runs on every API call. */
export async function findSessionWithUser(db: Db, tokenHash: string) {
  const [row] = await sessionWithUser(db, { tokenHash });
  return row;
}
