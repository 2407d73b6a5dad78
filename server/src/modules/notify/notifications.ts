import { randomUUID } from "node:crypto";
import type { CommandScope } from "../../http/command.js";
import { insertNotifications } from "./repository.js";

export interface InAppNotice {
  title: string;
  body: string;
  link?: string;
  sourceType?: string;
  sourceId?: string;
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
  await insertNotifications(
    scope.trx,
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
  );
  scope.publish({
    type: "notification.created",
    entityType: notice.sourceType ?? "notification",
    entityId: notice.sourceId ?? "",
    data: { title: notice.title, body: notice.body, link: notice.link ?? null },
    userIds: unique,
  });
}
