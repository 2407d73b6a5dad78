import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { AppContext } from "../../context.js";
import { notFound } from "../../errors.js";
import { principalOf, runCommand } from "../../http/command.js";
import { decodeCursor, isString, PageQuery, page } from "../../http/pagination.js";
import { dispatchDue } from "./outbox.js";

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
      const rows = await ctx.db
        .selectFrom("notifications")
        .selectAll()
        .where("user_id", "=", user.id)
        .$if(req.query.unread === true, (q) => q.where("read_at", "is", null))
        .$if(before !== undefined, (q) => q.where("created_at", "<", before ?? ""))
        .orderBy("created_at", "desc")
        .limit(limit + 1)
        .execute();
      const unread = await ctx.db
        .selectFrom("notifications")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("user_id", "=", user.id)
        .where("read_at", "is", null)
        .executeTakeFirstOrThrow();
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
        unreadCount: Number(unread.n),
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
        const result = await trx
          .updateTable("notifications")
          .set({ read_at: now.toISOString() })
          .where("id", "=", req.params.id)
          .where("user_id", "=", user.id)
          .where("read_at", "is", null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) {
          const exists = await trx
            .selectFrom("notifications")
            .select("id")
            .where("id", "=", req.params.id)
            .where("user_id", "=", user.id)
            .executeTakeFirst();
          if (!exists) {
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
