import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { authorize } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import { notFound } from "../../errors.js";
import { principalOf, runCommand } from "../../http/command.js";
import { decodeCursor, isPair, page } from "../../http/pagination.js";
import { gradingInputs } from "../plans/index.js";
import { sweepIncidentDeadlines } from "./deadlines.js";
import { reportDocx } from "./docx.js";
import { setIncidentLevel } from "./grading.js";
import { instructionFeedback, recordInstruction } from "./instructions.js";
import { mergeIncident } from "./merge.js";
import { incidentPolicy, incidentResource } from "./policy.js";
import {
  presentDeadline,
  presentDetail,
  presentInstruction,
  presentReport,
  presentSummaries,
} from "./present.js";
import { registerIncident, validateRegistration } from "./registration.js";
import { fileReport, previewReport } from "./reports.js";
import { findInstruction, findReport, listDeadlines, listIncidents, requireIncident } from "./repository.js";
import { levelChoices, numberPrefix } from "./rules.js";
import {
  DeadlineQuery,
  DeadlineView,
  FeedbackBody,
  IncidentDetail,
  IncidentSummary,
  InstructionBody,
  InstructionView,
  LevelBody,
  ListQuery,
  MergeBody,
  RegisterBody,
  ReportBody,
  ReportView,
  UpwardApprovalBody,
  VerifyBody,
} from "./schema.js";
import { approveUpwardReport } from "./upward.js";
import { verifyIncident } from "./verification.js";

const IdParams = Type.Object({ id: Type.String({ maxLength: 36 }) });
const TAGS = ["incidents"];

/** Duty desk and information reporting (issue 4). */
export function registerIncidentRoutes(app: FastifyInstance, ctx: AppContext): void {
  ctx.scheduler.register("incident-deadlines", sweepIncidentDeadlines);
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  /** A read: the incident or a 404, and the policy's consent (anyone signed in, today). */
  const readable = async (user: SessionUser, id: string) => {
    const row = await requireIncident(ctx.db, id);
    authorize(incidentPolicy, user, "read", incidentResource(ctx.plan, row));
    return row;
  };

  r.get(
    "/api/incidents/meta",
    { schema: { tags: TAGS, summary: "值班台表单所需的预案数据（分类、子类、等级、必报内容）" } },
    async () => {
      const profile = ctx.plan.profile;
      return {
        plan: { id: profile.meta.id, name: profile.meta.name, district: profile.meta.district },
        numberPrefix: numberPrefix(profile),
        categories: profile.taxonomy.categories.map((c) => ({
          id: c.id,
          name: c.name,
          subtypes: c.subtypes.map((s) => ({
            id: s.id,
            name: s.name,
            aliases: s.aliases ?? [],
            grading: gradingInputs(profile, s.id),
          })),
        })),
        levels: levelChoices(profile),
        requiredFields: profile.reporting.requiredFields.fields.map((f) => ({
          id: f.id,
          name: f.name,
          auxiliary: f.auxiliary === true,
        })),
      };
    },
  );

  r.post(
    "/api/incidents",
    {
      schema: {
        tags: TAGS,
        summary: "登记突发事件（接报）",
        body: RegisterBody,
        response: { 201: IncidentDetail },
      },
      // The hot path of the duty desk (issue 4 §Performance). presentDetail builds the body field by
      // field, typed as IncidentDetail, so V8's JSON.stringify writes it as the schema would, in a
      // fraction of the time the schema-compiled serializer takes for this deep view (~9 % of a
      // registration's CPU). The schema still documents the answer, and a test holds the 201 body
      // equal to GET's, which the schema serializer writes.
      serializerCompiler: () => (data) => JSON.stringify(data),
    },
    async (req, reply) => {
      const user = principalOf(req).user;
      const valid = await validateRegistration(ctx, req.body, ctx.clock.now());
      const { row, parts } = await runCommand(ctx, req, (scope) => registerIncident(ctx, scope, valid, user));
      reply.status(201);
      return presentDetail(ctx, ctx.db, row, user, parts);
    },
  );

  r.get(
    "/api/incidents",
    {
      schema: {
        tags: TAGS,
        summary: "事件列表（新到旧；按状态、等级、子类、区划、接报时间筛选）",
        querystring: ListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(IncidentSummary),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const q = req.query;
      const limit = q.limit ?? 50;
      const rows = await listIncidents(ctx.db, {
        status: q.status,
        level: q.level,
        subtype: q.subtype,
        division: q.division,
        from: q.from ? new Date(q.from).toISOString() : undefined,
        to: q.to ? new Date(q.to).toISOString() : undefined,
        before: decodeCursor(q.cursor, isPair),
        limit,
      });
      const result = page(rows, limit, (row) => [row.received_at, row.id]);
      return {
        items: await presentSummaries(ctx, ctx.db, result.items, user),
        nextCursor: result.nextCursor,
      };
    },
  );

  r.get(
    "/api/incidents/:id",
    {
      schema: {
        tags: TAGS,
        summary: "事件详情（含时限、时间线、报告、批示）",
        params: IdParams,
        response: { 200: IncidentDetail },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      return presentDetail(ctx, ctx.db, await readable(user, req.params.id), user);
    },
  );

  r.post(
    "/api/incidents/:id/level",
    {
      schema: {
        tags: TAGS,
        summary: "确认或调整事件等级（须说明理由）",
        params: IdParams,
        body: LevelBody,
        response: { 200: IncidentDetail },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const { id } = req.params;
      await runCommand(ctx, req, (scope) => setIncidentLevel(ctx, scope, id, req.body));
      return presentDetail(ctx, ctx.db, await requireIncident(ctx.db, id), user);
    },
  );

  r.post(
    "/api/incidents/:id/verify",
    {
      schema: {
        tags: TAGS,
        summary: "记录信息已核实",
        params: IdParams,
        body: VerifyBody,
        response: { 200: IncidentDetail },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const { id } = req.params;
      await runCommand(ctx, req, (scope) => verifyIncident(ctx, scope, id, req.body));
      return presentDetail(ctx, ctx.db, await requireIncident(ctx.db, id), user);
    },
  );

  r.post(
    "/api/incidents/:id/deadlines/:did/approve-upward",
    {
      schema: {
        tags: TAGS,
        summary: "领导批准向上级报告（000 §4.1 报请区应急委相关领导批准后报市应急办）",
        params: Type.Object({ id: Type.String({ maxLength: 36 }), did: Type.String({ maxLength: 36 }) }),
        body: UpwardApprovalBody,
        response: { 200: IncidentDetail },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const { id, did } = req.params;
      await runCommand(ctx, req, (scope) => approveUpwardReport(ctx, scope, id, did, req.body));
      return presentDetail(ctx, ctx.db, await requireIncident(ctx.db, id), user);
    },
  );

  r.post(
    "/api/incidents/:id/reports/preview",
    {
      schema: {
        tags: TAGS,
        summary: "报告预览：缺少的必报内容、主送单位、将满足的时限（不写入）",
        params: IdParams,
        body: ReportBody,
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const row = await readable(user, req.params.id);
      return previewReport(ctx, row, req.body.kind, req.body.fields, ctx.clock.now());
    },
  );

  r.post(
    "/api/incidents/:id/reports",
    {
      schema: {
        tags: TAGS,
        summary: "报送初报、续报或终报",
        params: IdParams,
        body: ReportBody,
        response: { 201: ReportView },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const reportId = await runCommand(ctx, req, (scope) => fileReport(ctx, scope, id, req.body));
      const report = await findReport(ctx.db, id, reportId);
      if (!report) {
        throw notFound(`报告 ${reportId}`);
      }
      reply.status(201);
      return presentReport(report);
    },
  );

  r.get(
    "/api/incidents/:id/reports/:rid.docx",
    {
      schema: {
        tags: TAGS,
        summary: "下载报告文书（突发事件信息报告，DOCX）",
        params: Type.Object({ id: Type.String({ maxLength: 36 }), rid: Type.String({ maxLength: 36 }) }),
      },
    },
    async (req, reply) => {
      const user = principalOf(req).user;
      const row = await readable(user, req.params.id);
      // A merged duplicate's reports are shown on the target; its own id still resolves them.
      const report = await findReport(ctx.db, row.id, req.params.rid);
      if (!report) {
        throw notFound(`报告 ${req.params.rid}`);
      }
      const buffer = await reportDocx(ctx.plan.profile, row, report);
      const name = `${row.number}-第${report.seq}报.docx`;
      reply
        .type("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        .header(
          "content-disposition",
          `attachment; filename="${row.number}-${report.seq}.docx"; filename*=UTF-8''${encodeURIComponent(name)}`,
        );
      return buffer;
    },
  );

  r.post(
    "/api/incidents/:id/instructions",
    {
      schema: {
        tags: TAGS,
        summary: "记录领导批示并转达相关单位",
        params: IdParams,
        body: InstructionBody,
        response: { 201: InstructionView },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const iid = await runCommand(ctx, req, (scope) => recordInstruction(ctx, scope, id, req.body));
      const instruction = await findInstruction(ctx.db, id, iid);
      if (!instruction) {
        throw notFound(`批示 ${iid}`);
      }
      reply.status(201);
      return presentInstruction(ctx, instruction);
    },
  );

  r.post(
    "/api/incidents/:id/instructions/:iid/feedback",
    {
      schema: {
        tags: TAGS,
        summary: "批示落实情况反馈（电话或书面）",
        params: Type.Object({ id: Type.String({ maxLength: 36 }), iid: Type.String({ maxLength: 36 }) }),
        body: FeedbackBody,
        response: { 200: InstructionView },
      },
    },
    async (req) => {
      const { id, iid } = req.params;
      await runCommand(ctx, req, (scope) => instructionFeedback(ctx, scope, id, iid, req.body));
      const after = await findInstruction(ctx.db, id, iid);
      if (!after) {
        throw notFound(`批示 ${req.params.iid}`);
      }
      return presentInstruction(ctx, after);
    },
  );

  r.post(
    "/api/incidents/:id/merge",
    {
      schema: {
        tags: TAGS,
        summary: "把重复登记的事件合并到另一事件（保留双方来源和报告）",
        params: IdParams,
        body: MergeBody,
        response: { 200: IncidentDetail },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      await runCommand(ctx, req, (scope) => mergeIncident(ctx, scope, req.params.id, req.body));
      return presentDetail(ctx, ctx.db, await requireIncident(ctx.db, req.body.into), user);
    },
  );

  r.get(
    "/api/deadlines",
    {
      schema: {
        tags: TAGS,
        summary: "报送时限（按到期时间先后；state=overdue 为超时清单）",
        querystring: DeadlineQuery,
        response: {
          200: Type.Object({
            items: Type.Array(DeadlineView),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (req) => {
      principalOf(req);
      const q = req.query;
      const limit = q.limit ?? 50;
      const rows = await listDeadlines(ctx.db, {
        state: q.state,
        incidentId: q.incidentId,
        after: decodeCursor(q.cursor, isPair),
        limit,
      });
      const result = page(rows, limit, (d) => [d.due_at, d.id]);
      return { items: result.items.map(presentDeadline), nextCursor: result.nextCursor };
    },
  );
}
