import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { AppContext } from "../../context.js";
import { notFound } from "../../errors.js";
import { principalOf, runCommand } from "../../http/command.js";
import { decodeCursor, isString, PageQuery, page } from "../../http/pagination.js";
import { dispatchDue } from "./outbox.js";
import { countUnread, listNotifications, markNotificationRead, notificationExists } from "./repository.js";

const NotificationView = Type.Object({
  id: Type.String(),
  title: Type.String(),
  body: Type.String(),
  link: Type.Union([Type.String(), Type.Null()]),
  sourceType: Type.Union([Type.String(), Type.Null()]),
  sourceId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  readAt: Type.Union([Type.String(), Type.Null()]),
});

export function registerNotifyRoutes(app: FastifyInstance, ctx: AppContext): void {
  ctx.scheduler.register("outbox", (c) => dispatchDue(c, c.channels));
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    "/api/notifications",
    {
      schema: {
        tags: ["notify"],
        summary: "我的站内通知（新到旧）",
        querystring: Type.Object(
          { unread: Type.Optional(Type.Boolean()), ...PageQuery },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(NotificationView),
            unreadCount: Type.Integer(),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const limit = req.query.limit ?? 50;
      const before = decodeCursor(req.query.cursor, isString);
      const rows = await listNotifications(ctx.db, {
        userId: user.id,
        unreadOnly: req.query.unread === true,
        before,
        limit,
      });
      const unread = await countUnread(ctx.db, user.id);
      const result = page(rows, limit, (n) => n.created_at);
      return {
        items: result.items.map((n) => ({
          id: n.id,
          title: n.title,
          body: n.body,
          link: n.link,
          sourceType: n.source_type,
          sourceId: n.source_id,
          createdAt: n.created_at,
          readAt: n.read_at,
        })),
        unreadCount: unread,
        nextCursor: result.nextCursor,
      };
    },
  );

  r.post(
    "/api/notifications/:id/read",
    {
      schema: {
        tags: ["notify"],
        summary: "标记通知为已读",
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      },
    },
    async (req, reply) => {
      const user = principalOf(req).user;
      await runCommand(ctx, req, async ({ trx, now, audit }) => {
        if (!(await markNotificationRead(trx, req.params.id, user.id, now.toISOString()))) {
          if (!(await notificationExists(trx, req.params.id, user.id))) {
            throw notFound(`通知 ${req.params.id}`);
          }
          return;
        }
        await audit({ action: "notification.read", entityType: "notification", entityId: req.params.id });
      });
      reply.status(204);
    },
  );
}
