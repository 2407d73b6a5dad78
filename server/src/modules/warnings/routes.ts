import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { type Static, type TSchema, Type } from "typebox";
import type { WarningColour } from "../../../../shared/plan/schema.js";
import type { WarningChannel } from "../../../../shared/warnings.js";
import { authorize, can } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import { AppError, badRequest, notFound } from "../../errors.js";
import { type CommandScope, principalOf, runCommand } from "../../http/command.js";
import { decodeCursor, isPair, page } from "../../http/pagination.js";
import { isEmergencyOffice, warningAuthority } from "../plans/index.js";
import { adjustWarning, expireWarning, liftWarning, remindLift } from "./changes.js";
import { runDisseminationJobs } from "./dissemination.js";
import { actorOf, factsOf } from "./model.js";
import { newWarningPolicy, type WarningResource, warningPolicy, warningTaskPolicy } from "./policy.js";
import { inInbox, presentSummaries, presentWarning } from "./present.js";
import { mayRelease, publishWarning, releaseWarning } from "./publication.js";
import { registerPublicWarningRoutes } from "./publicRoutes.js";
import { importCap } from "./relay.js";
import {
  deliveriesOf,
  dueExpiries,
  dueLiftReminders,
  findTask,
  findWarning,
  getWarning,
  listMessages,
  listWarnings,
  type WarningRow,
} from "./repository.js";
import type { WarningAction, WarningFacts } from "./rules.js";
import {
  AdjustBody,
  AuthoriseBody,
  CreateWarningBody,
  ListQuery,
  NoteBody,
  PublishBody,
  ReasonBody,
  TaskBody,
  UpdateWarningBody,
  WarningSummary,
  WarningView,
} from "./schema.js";
import {
  approveWarning,
  authoriseUnits,
  createWarning,
  officeId,
  proposeWarning,
  rejectWarning,
  submitWarning,
  updateDraft,
  updateWarningTask,
} from "./service.js";
import { maskAddress } from "./subscriptions.js";

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const ACTIVE = ["draft", "proposed", "submitted", "approved", "published"];

/**
 * The user's inbox, a page at a time: active warnings newest first (keyset on updated_at, id), kept
 * when the user can take their next step. Scans on until the page is full or the rows run out, so
 * the cursor walks every warning in the inbox and nothing is cut.
 */
async function inboxPage(
  ctx: AppContext,
  user: SessionUser,
  after: [string, string] | undefined,
  limit: number,
): Promise<{ items: WarningRow[]; nextCursor: string | null }> {
  const scan = limit * 2;
  const found: WarningRow[] = [];
  let before = after;
  for (;;) {
    const rows = await listWarnings(ctx.db, { statuses: ACTIVE, before, limit: scan });
    for (const row of rows.slice(0, scan)) {
      if (inInbox(ctx, user, row)) {
        found.push(row);
      }
      if (found.length > limit) {
        return page(found, limit, (r) => [r.updated_at, r.id]);
      }
    }
    const last = rows[Math.min(rows.length, scan) - 1];
    if (rows.length <= scan || last === undefined) {
      return page(found, limit, (r) => [r.updated_at, r.id]);
    }
    before = [last.updated_at, last.id];
  }
}

/**
 * Expires published warnings whose end time has passed (conditional update: one instance each). A
 * warning changed meanwhile (409: lifted, adjusted, or expired by another instance) is left to the
 * next sweep's re-read; any other failure is logged, the others still expire, and the sweep then
 * fails so the scheduler reports it.
 */
export async function expirySweep(ctx: AppContext): Promise<number> {
  const due = await dueExpiries(ctx.db, ctx.clock.now().toISOString(), 100);
  let handled = 0;
  const failed: string[] = [];
  for (const row of due) {
    try {
      await runCommand(ctx, { id: `sweep:warning-expiry:${row.id}` }, (scope) => expireWarning(scope, row));
      handled++;
    } catch (error) {
      if (error instanceof AppError && error.status === 409) {
        continue;
      }
      failed.push(row.id);
      console.error(
        JSON.stringify({
          level: "error",
          sweep: "warning-expiry",
          warningId: row.id,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    }
  }
  if (failed.length > 0) {
    throw new Error(
      `warning-expiry: ${failed.length} of ${due.length} warnings failed to expire (${failed.join(", ")}); ${handled} expired`,
    );
  }
  return handled;
}

/**
 * Reminds whoever may lift a published warning as its expected end nears (000 §3.3.1 第5项), once per
 * version, `warnings.liftReminderMinutes` ahead, on the injected clock. A failure is logged, the
 * others are still reminded, and the sweep then fails so the scheduler reports it.
 */
export async function liftReminderSweep(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const until = new Date(now.getTime() + ctx.config.warnings.liftReminderMinutes * 60_000);
  const due = await dueLiftReminders(ctx.db, now.toISOString(), until.toISOString(), 100);
  let handled = 0;
  const failed: string[] = [];
  for (const row of due) {
    try {
      const sent = await runCommand(ctx, { id: `sweep:warning-lift-reminder:${row.id}` }, (scope) =>
        remindLift(ctx, scope, row),
      );
      handled += sent ? 1 : 0;
    } catch (error) {
      failed.push(row.id);
      console.error(
        JSON.stringify({
          level: "error",
          sweep: "warning-lift-reminder",
          warningId: row.id,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    }
  }
  if (failed.length > 0) {
    throw new Error(`warning-lift-reminder: ${failed.length} of ${due.length} failed (${failed.join(", ")})`);
  }
  return handled;
}

export function registerWarningRoutes(app: FastifyInstance, ctx: AppContext): void {
  ctx.scheduler.register("warning-expiry", expirySweep);
  ctx.scheduler.register("warning-lift-reminder", liftReminderSweep);
  ctx.scheduler.register("warning-dissemination", runDisseminationJobs);
  registerPublicWarningRoutes(app, ctx);
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const resource = (facts: WarningFacts, adjustTo?: WarningColour | undefined): WarningResource => ({
    plan: ctx.plan,
    facts,
    adjustTo,
  });
  /** The warning as read in the command's transaction, as the policy's resource (undefined: 404). */
  const stored = async (
    scope: CommandScope,
    id: string,
    adjustTo?: (row: WarningRow) => WarningColour | undefined,
  ): Promise<(WarningResource & { row: WarningRow }) | undefined> => {
    const row = await findWarning(scope.trx, id);
    return row && { ...resource(factsOf(row), adjustTo?.(row)), row };
  };
  const load = async (id: string): Promise<WarningRow> => getWarning(ctx.db, id);
  const view = async (user: SessionUser, id: string) => presentWarning(ctx, ctx.db, user, await load(id));

  r.get(
    "/api/warnings",
    {
      schema: {
        tags: ["warnings"],
        summary: "预警列表（inbox=true：等待我处理的；active=true：未结束的）",
        querystring: ListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(WarningSummary),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const q = req.query;
      const limit = q.limit ?? 50;
      if (q.inbox) {
        const result = await inboxPage(ctx, user, decodeCursor(q.cursor, isPair), limit);
        return {
          items: await presentSummaries(ctx, user, result.items),
          nextCursor: result.nextCursor,
        };
      }
      const rows = await listWarnings(ctx.db, {
        status: q.status,
        statuses: q.active ? ACTIVE : undefined,
        before: decodeCursor(q.cursor, isPair),
        limit,
      });
      const result = page(rows, limit, (row) => [row.updated_at, row.id]);
      return {
        items: await presentSummaries(ctx, user, result.items),
        nextCursor: result.nextCursor,
      };
    },
  );

  r.get(
    "/api/warnings/meta",
    {
      schema: {
        tags: ["warnings"],
        summary: "起草预警所需的预案数据：颜色、事件分类、街道（乡）、必填内容",
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const { profile } = ctx.plan;
      const streets = await ctx.units.ofTypes(["street", "township"]);
      return {
        district: profile.meta.district,
        colours: profile.warnings.colours.map((c) => ({ id: c.id, name: c.name, severity: c.cap.severity })),
        categories: profile.taxonomy.categories.map((c) => ({
          id: c.id,
          name: c.name,
          subtypes: c.subtypes.map((s) => ({ id: s.id, name: s.name, aliases: s.aliases ?? [] })),
        })),
        streets: streets.map((u) => ({ code: u.id, name: u.name })),
        requiredContent: profile.warnings.requiredContent.fields,
        office: officeId(ctx),
        canDraft: can(
          newWarningPolicy,
          user,
          "create",
          resource(
            newDraftFacts(user, { origin: "local", colour: "blue", subtypeId: null, divisionCodes: [] }),
          ),
        ),
        isOffice: isEmergencyOffice(ctx.plan, user),
        units: ctx.plan.org.units
          .filter((u) => u.type === "department" || u.type === "special_hq")
          .map((u) => ({ id: u.id, name: u.short ?? u.name })),
      };
    },
  );

  r.get(
    "/api/warnings/:id",
    {
      schema: {
        tags: ["warnings"],
        summary: "预警详情（含历史、CAP 消息、任务、送达情况、可执行操作）",
        params: IdParams,
        response: { 200: WarningView },
      },
    },
    async (req) => view(principalOf(req).user, req.params.id),
  );

  r.post(
    "/api/warnings",
    {
      schema: {
        tags: ["warnings"],
        summary: "起草预警",
        body: CreateWarningBody,
        response: { 201: WarningView },
      },
    },
    async (req, reply) => {
      const user = principalOf(req).user;
      const body = req.body;
      const facts = newDraftFacts(user, {
        origin: body.origin ?? "local",
        colour: body.colour,
        subtypeId: body.subtypeId,
        issuingUnitId: body.issuingUnitId ?? user.unitId,
        divisionCodes: body.area.divisionCodes,
      });
      const id = await runCommand(ctx, req, (scope) => {
        authorize(newWarningPolicy, user, "create", resource(facts));
        return createWarning(ctx, scope, actorOf(user), body);
      });
      reply.status(201);
      return view(user, id);
    },
  );

  r.patch(
    "/api/warnings/:id",
    {
      schema: {
        tags: ["warnings"],
        summary: "修改预警草稿",
        params: IdParams,
        body: UpdateWarningBody,
        response: { 200: WarningView },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const id = req.params.id;
      await runCommand(ctx, req, async (scope) => {
        const target = await stored(scope, id);
        authorize(warningPolicy, user, "edit", target, `预警 ${id}`);
        return updateDraft(ctx, scope, actorOf(user), target.row, req.body);
      });
      return view(user, id);
    },
  );

  /**
   * POST /api/warnings/:id/<step>: inside one transaction, read the warning, authorize the step on
   * that row (404, 403 naming the authority, 409 naming the state) and run the command on it; answer
   * with the warning as the caller now sees it.
   */
  const step = <B extends TSchema>(
    name: WarningAction,
    summary: string,
    body: B,
    command: (scope: CommandScope, user: SessionUser, row: WarningRow, body: Static<B>) => Promise<unknown>,
    adjustTo?: (row: WarningRow, body: Static<B>) => WarningColour,
  ) =>
    r.post(
      `/api/warnings/:id/${name}`,
      {
        schema: { tags: ["warnings"], summary, params: IdParams, body, response: { 200: WarningView } },
      },
      async (req) => {
        const user = principalOf(req).user;
        const id = req.params.id;
        const input = req.body as Static<B>;
        await runCommand(ctx, req, async (scope) => {
          const target = await stored(scope, id, (row) => adjustTo?.(row, input));
          authorize(warningPolicy, user, name, target, `预警 ${id}`);
          return command(scope, user, target.row, input);
        });
        return view(user, id);
      },
    );

  step("propose", "提出预警建议 / 报批", NoteBody, (scope, user, row, body) =>
    proposeWarning(ctx, scope, actorOf(user), row, body.note),
  );
  step(
    "submit",
    "报请批准（经区应急办报请区应急委领导，000 §3.3.1 第2项；报请后方可批准）",
    NoteBody,
    (scope, user, row, body) => submitWarning(ctx, scope, actorOf(user), row, body.note),
  );
  step("approve", "批准 / 签发（起草人不能批准本人的预警）", NoteBody, (scope, user, row, body) => {
    const rule = warningAuthority(
      ctx.plan.profile,
      row.origin as "local" | "relayed",
      row.colour as WarningColour,
      "approve",
    );
    const signOff = row.status !== "published" && rule?.mode === "sign_off";
    return approveWarning(ctx, scope, actorOf(user), row, body.note, signOff);
  });
  step("reject", "退回（须说明理由）", ReasonBody, (scope, user, row, body) =>
    rejectWarning(ctx, scope, actorOf(user), row, body.reason),
  );
  step("publish", "发布 / 转发（选择渠道；向社会发布仅限区应急办）", PublishBody, (scope, user, row, body) =>
    publishWarning(
      ctx,
      scope,
      actorOf(user),
      row,
      body.channels as WarningChannel[],
      mayRelease(ctx.plan, user, factsOf(row)),
    ),
  );
  step(
    "release",
    "向社会发布（区应急办，000 §3.3.1 第8项）",
    Type.Object(
      {
        channels: Type.Optional(
          Type.Array(Type.Union([Type.Literal("sms"), Type.Literal("email")]), { uniqueItems: true }),
        ),
      },
      { additionalProperties: false },
    ),
    (scope, user, row, body) =>
      releaseWarning(ctx, scope, actorOf(user), row, body.channels as WarningChannel[] | undefined),
  );
  step(
    "authorise",
    "授权专项指挥部办公室或部门发布和解除（区应急办）",
    AuthoriseBody,
    (scope, user, row, body) => authoriseUnits(ctx, scope, actorOf(user), row, body.unitIds),
  );
  step(
    "adjust",
    "调整预警（颜色、范围、内容或期限；须经新颜色的批准权限）",
    AdjustBody,
    (scope, user, row, body) => adjustWarning(ctx, scope, actorOf(user), row, body as never),
    (row, body) => (body.changes.colour ?? row.colour) as WarningColour,
  );
  step("lift", "解除预警（转发预警按同等权限签发后解除）", ReasonBody, (scope, user, row, body) =>
    liftWarning(ctx, scope, actorOf(user), row, body.reason),
  );

  r.patch(
    "/api/warnings/:id/tasks/:taskId",
    {
      schema: {
        tags: ["warnings"],
        summary: "更新预警措施、逐户告知等任务的进展（任务单位或区应急办）",
        params: Type.Object({ id: Type.String({ maxLength: 64 }), taskId: Type.String({ maxLength: 64 }) }),
        body: TaskBody,
        response: { 200: WarningView },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const { id, taskId } = req.params;
      await runCommand(ctx, req, async (scope) => {
        const row = await getWarning(scope.trx, id);
        const task = await findTask(scope.trx, id, taskId);
        const target = task && { plan: ctx.plan, task, issuingUnitId: row.issuing_unit_id };
        authorize(warningTaskPolicy, user, "update", target, `任务 ${taskId}`);
        return updateWarningTask(scope, actorOf(user), row, target.task, req.body);
      });
      return view(user, id);
    },
  );

  r.get(
    "/api/warnings/:id/deliveries",
    {
      schema: {
        tags: ["warnings"],
        summary: "送达明细（每个渠道、每个接收人）",
        params: IdParams,
        querystring: Type.Object(
          {
            channel: Type.Optional(Type.String({ maxLength: 16 })),
            state: Type.Optional(Type.String({ maxLength: 16 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      await load(req.params.id);
      const limit = req.query.limit ?? 100;
      const rows = await deliveriesOf(ctx.db, req.params.id, {
        channel: req.query.channel,
        state: req.query.state,
        after: decodeCursor(req.query.cursor, (v): v is string => typeof v === "string"),
        limit,
      });
      const result = page(rows, limit, (row) => row.id);
      return {
        items: result.items.map((d) => ({
          channel: d.channel,
          recipient: d.channel === "webhook" ? d.recipient : maskAddress(d.recipient),
          state: d.state,
          attempts: d.attempts,
          lastError: d.last_error,
          sentAt: d.sent_at,
          createdAt: d.created_at,
        })),
        nextCursor: result.nextCursor,
      };
    },
  );

  r.get(
    "/api/warnings/:id/cap.xml",
    {
      schema: {
        tags: ["warnings"],
        summary: "预警的 CAP 1.2 消息（默认最新一条；seq 指定第几条）",
        params: IdParams,
        querystring: Type.Object(
          { seq: Type.Optional(Type.Integer({ minimum: 1 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const messages = await listMessages(ctx.db, req.params.id);
      const message = req.query.seq
        ? messages.find((m) => m.seq === req.query.seq)
        : messages[messages.length - 1];
      if (!message) {
        throw notFound(
          messages.length === 0
            ? `预警 ${req.params.id} 的 CAP 消息（尚未发布）`
            : `第 ${req.query.seq} 条 CAP 消息`,
        );
      }
      reply.type("application/cap+xml; charset=utf-8");
      return message.xml;
    },
  );

  // CAP import takes the XML itself as the body.
  app.register(async (scoped) => {
    scoped.addContentTypeParser(
      ["application/xml", "text/xml", "application/cap+xml", "text/plain"],
      { parseAs: "string" },
      (_req, body, done) => done(null, body),
    );
    scoped.withTypeProvider<TypeBoxTypeProvider>().post(
      "/api/cap/import",
      {
        schema: {
          tags: ["warnings"],
          summary:
            "导入上级 CAP 1.2 预警，生成转发草稿（201）；上级的更新或取消应用于已导入的转发预警（200）（Content-Type: application/xml）",
          querystring: Type.Object(
            { unitId: Type.Optional(Type.String({ maxLength: 64 })) },
            { additionalProperties: false },
          ),
          response: { 200: WarningView, 201: WarningView },
        },
      },
      async (req: FastifyRequest<{ Querystring: { unitId?: string } }>, reply) => {
        const user = principalOf(req).user;
        // The XML itself, or {"xml": "…"} from the web app (JSON carries the CSRF-protected session).
        const wrapped = req.body as { xml?: unknown } | null;
        const xml =
          typeof req.body === "string"
            ? req.body
            : typeof wrapped?.xml === "string"
              ? wrapped.xml
              : undefined;
        if (xml === undefined) {
          throw badRequest("请求体应为 CAP 1.2 XML（Content-Type: application/xml）", [
            { path: "body", message: "不是 XML" },
          ]);
        }
        const facts = newDraftFacts(user, {
          origin: "relayed",
          colour: "blue",
          subtypeId: null,
          issuingUnitId: req.query.unitId ?? user.unitId,
          divisionCodes: [],
        });
        const { id, applied } = await runCommand(ctx, req, (scope) => {
          authorize(newWarningPolicy, user, "create", resource(facts));
          return importCap(ctx, scope, actorOf(user), xml, req.query.unitId);
        });
        reply.status(applied ? 200 : 201);
        return view(user, id);
      },
    );
  });
}

/** The facts of a draft about to be created by the user (the create rule reads its issuing unit). */
function newDraftFacts(
  user: SessionUser,
  d: Pick<WarningFacts, "origin" | "colour" | "subtypeId" | "divisionCodes"> & { issuingUnitId?: string },
): WarningFacts {
  return {
    origin: d.origin,
    status: "draft",
    colour: d.colour,
    subtypeId: d.subtypeId,
    issuingUnitId: d.issuingUnitId ?? user.unitId,
    drafterId: user.id,
    divisionCodes: d.divisionCodes,
    authorisedUnitIds: [],
    publicState: "none",
    pendingKind: null,
    pendingState: null,
    pendingColour: null,
    pendingById: null,
  };
}
