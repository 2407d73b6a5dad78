/**
 * The public side of warnings (no login, `config: { public: true }`): current and past warnings that
 * the emergency office released to society (000 §3.3.1 第8项), their CAP messages, the Atom feed,
 * the street list and the subscription form.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { AppContext } from "../../context.js";
import { notFound } from "../../errors.js";
import { runCommand } from "../../http/command.js";
import { buildAtom } from "./cap/atom.js";
import { contentOf } from "./model.js";
import { presentPublic } from "./present.js";
import { findWarning, latestMessage, latestPublicMessages, publicWarnings } from "./repository.js";
import { PublicWarning, SubscriptionBody } from "./schema.js";
import { subscribe } from "./subscriptions.js";

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export function registerPublicWarningRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const released = async (id: string) => {
    const row = await findWarning(ctx.db, id);
    const visible =
      row?.public_state === "released" && ["published", "lifted", "expired"].includes(row.status);
    if (!row || !visible) {
      throw notFound(`公开预警 ${id}`);
    }
    return row;
  };

  r.get(
    "/api/public/warnings",
    {
      config: { public: true },
      schema: {
        tags: ["public"],
        summary: "向社会发布的预警（state=current 当前有效；history 已解除或过期）",
        querystring: Type.Object(
          {
            state: Type.Optional(Type.Union([Type.Literal("current"), Type.Literal("history")])),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(PublicWarning) }) },
      },
    },
    async (req, reply) => {
      const rows = await publicWarnings(ctx.db, req.query.state !== "history", req.query.limit ?? 50);
      reply.header("cache-control", "no-cache");
      return { items: await presentPublic(ctx, ctx.db, rows) };
    },
  );

  r.get(
    "/api/public/warnings/:id",
    {
      config: { public: true },
      schema: {
        tags: ["public"],
        summary: "公开预警详情",
        params: IdParams,
        response: { 200: PublicWarning },
      },
    },
    async (req) => {
      const [item] = await presentPublic(ctx, ctx.db, [await released(req.params.id)]);
      if (!item) {
        throw notFound(`公开预警 ${req.params.id}`);
      }
      return item;
    },
  );

  r.get(
    "/api/public/warnings/:id/cap.xml",
    {
      config: { public: true },
      schema: { tags: ["public"], summary: "公开预警的最新 CAP 1.2 消息", params: IdParams },
    },
    async (req, reply) => {
      const row = await released(req.params.id);
      const message = await latestMessage(ctx.db, row.id, true);
      if (!message) {
        throw notFound(`公开预警 ${req.params.id} 的 CAP 消息`);
      }
      reply.type("application/cap+xml; charset=utf-8");
      return message.xml;
    },
  );

  r.get(
    "/api/public/cap.atom",
    {
      config: { public: true },
      schema: { tags: ["public"], summary: "当前公开预警的 Atom 订阅源（每条链接 CAP 1.2 消息）" },
    },
    async (_req, reply) => {
      // Absolute links only from the configured base: the Host header is the client's to choose, and
      // a cached or relayed feed built from it would point readers at another site. Unconfigured,
      // links are root-relative, which feed readers resolve against the feed's own address (RFC 4287
      // §4.2.7: an IRI reference), and the feed's id is a URN of the district.
      const base = ctx.config.warnings.publicBaseUrl ?? "";
      const rows = await publicWarnings(ctx.db, true, 100);
      const latest = await latestPublicMessages(
        ctx.db,
        rows.map((r) => r.id),
      );
      const entries = [];
      for (const row of rows) {
        const message = latest.get(row.id);
        if (message) {
          const content = contentOf(row);
          entries.push({
            warningId: row.id,
            identifier: message.identifier,
            title: row.title,
            summary: content.publicAdvice ?? content.precautions ?? row.title,
            updated: message.sent_at,
            colourName: message.colour,
            capUrl: `${base}/api/public/warnings/${row.id}/cap.xml`,
            pageUrl: `${base}/public/warnings/${row.id}`,
          });
        }
      }
      reply.type("application/atom+xml; charset=utf-8");
      return buildAtom({
        title: `${ctx.plan.profile.meta.district.name}突发事件预警信息`,
        id: base
          ? `${base}/api/public/cap.atom`
          : `urn:fenghuo:${ctx.plan.profile.meta.district.code}:cap.atom`,
        selfUrl: `${base}/api/public/cap.atom`,
        updated: entries[0]?.updated ?? ctx.clock.now().toISOString(),
        entries,
      });
    },
  );

  r.get(
    "/api/public/streets",
    {
      config: { public: true },
      schema: {
        tags: ["public"],
        summary: "本区街道（乡）列表（订阅用）",
        response: {
          200: Type.Object({ items: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })) }),
        },
      },
    },
    async (_req, reply) => {
      reply.header("cache-control", "public, max-age=3600");
      return {
        items: (await ctx.units.ofTypes(["street", "township"])).map((u) => ({ code: u.id, name: u.name })),
      };
    },
  );

  r.post(
    "/api/public/subscriptions",
    {
      config: { public: true, rateLimit: { max: 10, timeWindow: "1 minute" } },
      schema: {
        tags: ["public"],
        summary: "订阅预警短信或邮件（按街道或位置）",
        body: SubscriptionBody,
        response: { 201: Type.Object({ status: Type.Literal("subscribed") }) },
      },
    },
    async (req, reply) => {
      await runCommand(ctx, req, (scope) => subscribe(ctx, scope, req.body));
      reply.status(201);
      return { status: "subscribed" as const };
    },
  );
}
