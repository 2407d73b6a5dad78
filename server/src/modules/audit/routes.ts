import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { authorize } from "../../authz/policy.js";
import type { AppContext } from "../../context.js";
import { principalOf } from "../../http/command.js";
import { decodeCursor, isNumber, PageQuery, page } from "../../http/pagination.js";
import { auditPolicy } from "./policy.js";
import { listAudit, verifyAuditChain } from "./repository.js";

const AuditView = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
  requestId: Type.Union([Type.String(), Type.Null()]),
  hash: Type.String(),
});

const parse = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

export function registerAuditRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    "/api/audit",
    {
      schema: {
        tags: ["audit"],
        summary: "审计日志（新到旧）",
        querystring: Type.Object(
          {
            entityType: Type.Optional(Type.String({ maxLength: 64 })),
            entityId: Type.Optional(Type.String({ maxLength: 64 })),
            actorId: Type.Optional(Type.String({ maxLength: 64 })),
            action: Type.Optional(Type.String({ maxLength: 64 })),
            from: Type.Optional(Type.String({ format: "date-time" })),
            to: Type.Optional(Type.String({ format: "date-time" })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(AuditView),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (req) => {
      authorize(auditPolicy, principalOf(req).user, "read", {});
      const q = req.query;
      const limit = q.limit ?? 50;
      const rows = await listAudit(ctx.db, {
        entityType: q.entityType,
        entityId: q.entityId,
        actorId: q.actorId,
        action: q.action,
        from: q.from ? new Date(q.from).toISOString() : undefined,
        to: q.to ? new Date(q.to).toISOString() : undefined,
        beforeSeq: decodeCursor(q.cursor, isNumber),
        limit: limit + 1,
      });
      const result = page(rows, limit, (row) => Number(row.seq));
      return {
        items: result.items.map((row) => ({
          seq: Number(row.seq),
          at: row.at,
          actorId: row.actor_id,
          actorName: row.actor_name,
          action: row.action,
          entityType: row.entity_type,
          entityId: row.entity_id,
          before: parse(row.before),
          after: parse(row.after),
          requestId: row.request_id,
          hash: row.hash,
        })),
        nextCursor: result.nextCursor,
      };
    },
  );

  r.get(
    "/api/audit/verify",
    {
      schema: {
        tags: ["audit"],
        summary: "校验审计哈希链",
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            rows: Type.Integer(),
            firstBadSeq: Type.Optional(Type.Integer()),
            reason: Type.Optional(Type.String()),
          }),
        },
      },
    },
    async (req) => {
      authorize(auditPolicy, principalOf(req).user, "read", {});
      const result = await verifyAuditChain(ctx.db);
      return result.ok
        ? { ok: true, rows: result.rows }
        : { ok: false, rows: result.rows, firstBadSeq: result.break.seq, reason: result.break.reason };
    },
  );
}
