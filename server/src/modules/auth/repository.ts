import type { Db } from "../../db/index.js";
import type { ApiTokenTable, SessionTable } from "../../db/schema.js";

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

export function deleteSessionsOfUser(db: Db, userId: string) {
  return db.deleteFrom("sessions").where("user_id", "=", userId).execute();
}

export function insertApiToken(db: Db, row: ApiTokenTable) {
  return db.insertInto("api_tokens").values(row).execute();
}

export function findApiToken(db: Db, id: string) {
  return db.selectFrom("api_tokens").selectAll().where("id", "=", id).executeTakeFirst();
}

export function listApiTokens(db: Db, userId: string | undefined) {
  return db
    .selectFrom("api_tokens")
    .select(["id", "user_id", "name", "scopes", "created_at", "last_used_at", "revoked_at"])
    .$if(userId !== undefined, (q) => q.where("user_id", "=", userId ?? ""))
    .orderBy("created_at", "desc")
    .execute();
}

export function revokeApiToken(db: Db, id: string, at: string) {
  return db.updateTable("api_tokens").set({ revoked_at: at }).where("id", "=", id).execute();
}

export function markTokenUsed(db: Db, id: string, at: string) {
  return db.updateTable("api_tokens").set({ last_used_at: at }).where("id", "=", id).execute();
}
