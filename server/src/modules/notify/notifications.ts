import { randomUUID } from "node:crypto";
import type { Role } from "../../../../shared/roles.js";
import type { Db } from "../../db/index.js";
import type { CommandScope } from "../../http/command.js";

export interface InAppNotice {
  title: string;
  body: string;
  link?: string;
  sourceType?: string;
  sourceId?: string;
}

/** Active users holding any of `roles` (optionally only in `unitIds`): the people a rule names. */
export async function usersWithRoles(db: Db, roles: Role[], unitIds?: string[]): Promise<string[]> {
  const rows = await db
    .selectFrom("users")
    .select(["id", "roles"])
    .where("disabled", "=", 0)
    .$if(unitIds !== undefined, (q) =>
      q.where("unit_id", "in", unitIds && unitIds.length > 0 ? unitIds : [""]),
    )
    .execute();
  return rows
    .filter((r) => (JSON.parse(r.roles) as string[]).some((x) => roles.includes(x as Role)))
    .map((r) => r.id);
}

/** The mobile numbers on record of some users (those without one are left out). */
export async function phonesOf(db: Db, userIds: string[]): Promise<{ id: string; phone: string }[]> {
  if (userIds.length === 0) {
    return [];
  }
  const rows = await db
    .selectFrom("users")
    .select(["id", "phone"])
    .where("id", "in", userIds)
    .where("phone", "is not", null)
    .execute();
  return rows.flatMap((r) => (r.phone ? [{ id: r.id, phone: r.phone }] : []));
}

/** In-app notifications, written in the caller's transaction and pushed live after commit. */
export async function notifyUsers(
  scope: CommandScope,
  userIds: string[],
  notice: InAppNotice,
): Promise<void> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) {
    return;
  }
  const createdAt = scope.now.toISOString();
  await scope.trx
    .insertInto("notifications")
    .values(
      unique.map((userId) => ({
        id: randomUUID(),
        user_id: userId,
        title: notice.title,
        body: notice.body,
        link: notice.link ?? null,
        source_type: notice.sourceType ?? null,
        source_id: notice.sourceId ?? null,
        created_at: createdAt,
        read_at: null,
      })),
    )
    .execute();
  scope.publish({
    type: "notification.created",
    entityType: notice.sourceType ?? "notification",
    entityId: notice.sourceId ?? "",
    data: { title: notice.title, body: notice.body, link: notice.link ?? null },
    userIds: unique,
  });
}
