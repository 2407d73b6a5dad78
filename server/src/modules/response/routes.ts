import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import { Type } from "typebox";
import { authorize } from "../../authz/policy.js";
import type { AppContext } from "../../context.js";
import { notFound } from "../../errors.js";
import { principalOf, runCommand } from "../../http/command.js";
import { decodeCursor, isPair, page } from "../../http/pagination.js";
import { loadIncident } from "../incidents/index.js";
import { activateResponse, changeResponseLevel } from "./activation.js";
import { assessmentBlocks, assessmentDocx, assessmentPdf } from "./assessment.js";
import { checkIn, createCommandPost, drawCordon, handOver, saveGroup } from "./commandPost.js";
import { recordDecision } from "./decisions.js";
import { endResponse, saveAssessment, submitAssessment } from "./end.js";
import { responsePolicy } from "./policy.js";
import { buildWorkspace, presentDecision, situationData, viewOfCase } from "./present.js";
import { decisionsOf, findPost, findTask, listResponses, tasksOf } from "./repository.js";
import { findResponseLevel, gradeName, subtypeName } from "./rules.js";
import {
  ActivateBody,
  AssessmentBody,
  CheckinBody,
  ChecklistBody,
  CommandPostBody,
  CordonBody,
  DecisionBody,
  DecisionView,
  EndBody,
  GroupBody,
  HandoverBody,
  IdParams,
  LevelChangeBody,
  ListQuery,
  PostView,
  ResponseSummary,
  SituationDraftView,
  TaskBody,
  TaskPatchBody,
  TaskView,
  WorkspaceView,
} from "./schema.js";
import { situationDraft } from "./situation.js";
import { sweepAssessments, sweepOverdueTasks } from "./sweeps.js";
import { createTask, tasksFromChecklist, updateTaskCommand } from "./tasks.js";

const TAGS = ["response"];
const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

function attachment(reply: FastifyReply, type: string, ascii: string, name: string) {
  reply
    .type(type)
    .header(
      "content-disposition",
      `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
}

/** Emergency response and on-site command (issue 7). */
export function registerResponseRoutes(app: FastifyInstance, ctx: AppContext): void {
  ctx.scheduler.register("response-tasks", sweepOverdueTasks);
  ctx.scheduler.register("response-assessments", sweepAssessments);
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  const workspace = async (incidentId: string, user: ReturnType<typeof principalOf>["user"]) =>
    buildWorkspace(ctx, ctx.db, incidentId, user);
  const postOf = async (incidentId: string, user: ReturnType<typeof principalOf>["user"]) => {
    const w = await workspace(incidentId, user);
    if (!w.post) {
      throw notFound("现场指挥部");
    }
    return w.post;
  };
  const incidentOfPost = async (postId: string) => {
    const row = await findPost(ctx.db, postId);
    if (!row) {
      throw notFound(`现场指挥部 ${postId}`);
    }
    return row.incident_id;
  };

  r.get(
    "/api/responses",
    {
      schema: {
        tags: TAGS,
        summary: "应急响应列表（新到旧；state 筛选进行中、待批准结束、已结束）",
        querystring: ListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(ResponseSummary),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (req) => {
      principalOf(req);
      const limit = req.query.limit ?? 50;
      const rows = await listResponses(ctx.db, {
        state: req.query.state,
        before: decodeCursor(req.query.cursor, isPair),
        limit,
      });
      const result = page(rows, limit, (x) => [x.activated_at, x.id]);
      const profile = ctx.plan.profile;
      return {
        items: result.items.map((x) => ({
          id: x.id,
          incidentId: x.incident_id,
          incidentNumber: x.incident_number,
          incidentTitle: x.incident_title,
          gradeName: gradeName(profile, x.incident_level),
          subtypeName: subtypeName(profile, x.incident_subtype),
          level: x.level,
          levelName: findResponseLevel(profile, x.level)?.name ?? x.level,
          state: x.state,
          activatedAt: x.activated_at,
          endedAt: x.ended_at,
          overdueTasks: Number(x.overdue_tasks ?? 0),
        })),
        nextCursor: result.nextCursor,
      };
    },
  );

  r.get(
    "/api/incidents/:id/response",
    {
      schema: {
        tags: TAGS,
        summary: "事件处置工作台：响应、决策、现场指挥部、任务、报送时效、时间线（含当前用户可执行的操作）",
        params: IdParams,
        response: { 200: WorkspaceView },
      },
    },
    async (req) => workspace(req.params.id, principalOf(req).user),
  );

  r.post(
    "/api/incidents/:id/response",
    {
      schema: {
        tags: TAGS,
        summary: "启动应急响应（级别与事件等级不符时须填写理由，000 §4.3.1）",
        params: IdParams,
        body: ActivateBody,
        response: { 201: WorkspaceView },
      },
    },
    async (req, reply) => {
      const user = principalOf(req).user;
      await runCommand(ctx, req, (scope) => activateResponse(ctx, scope, req.params.id, req.body, user));
      reply.status(201);
      return workspace(req.params.id, user);
    },
  );

  for (const kind of ["upgrade", "downgrade"] as const) {
    r.post(
      `/api/incidents/:id/response/${kind}`,
      {
        schema: {
          tags: TAGS,
          summary: kind === "upgrade" ? "响应升级（须说明理由，000 §4.3、§4.5）" : "响应降级（须说明理由）",
          params: IdParams,
          body: LevelChangeBody,
          response: { 200: WorkspaceView },
        },
      },
      async (req) => {
        const user = principalOf(req).user;
        await runCommand(ctx, req, (scope) =>
          changeResponseLevel(ctx, scope, req.params.id, kind, req.body, user),
        );
        return workspace(req.params.id, user);
      },
    );
  }

  r.post(
    "/api/incidents/:id/response/end",
    {
      schema: {
        tags: TAGS,
        summary: "宣布应急结束（按预案规定的权限；需批准的先请示、再由批准者结束，000 §4.9、002 §5.6）",
        params: IdParams,
        body: EndBody,
        response: { 200: WorkspaceView },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      await runCommand(ctx, req, (scope) => endResponse(ctx, scope, req.params.id, req.body, user));
      return workspace(req.params.id, user);
    },
  );

  r.post(
    "/api/incidents/:id/decisions",
    {
      schema: {
        tags: TAGS,
        summary: "记录区应急委决策及其批准人（000 §4.3.2）",
        params: IdParams,
        body: DecisionBody,
        response: { 201: DecisionView },
      },
    },
    async (req, reply) => {
      const user = principalOf(req).user;
      const id = await runCommand(ctx, req, (scope) =>
        recordDecision(ctx, scope, req.params.id, req.body, user),
      );
      const row = (await decisionsOf(ctx.db, req.params.id)).find((d) => d.id === id);
      if (!row) {
        throw notFound(`决策 ${id}`);
      }
      reply.status(201);
      return presentDecision(ctx, row);
    },
  );

  r.post(
    "/api/incidents/:id/command-post",
    {
      schema: {
        tags: TAGS,
        summary: "设立现场指挥部（工作组取自预案，000 §4.4）",
        params: IdParams,
        body: CommandPostBody,
        response: { 201: PostView },
      },
    },
    async (req, reply) => {
      const user = principalOf(req).user;
      await runCommand(ctx, req, (scope) => createCommandPost(ctx, scope, req.params.id, req.body, user));
      reply.status(201);
      return postOf(req.params.id, user);
    },
  );

  r.post(
    "/api/command-posts/:id/groups",
    {
      schema: {
        tags: TAGS,
        summary: "增设工作组或更新工作组组长、成员单位",
        params: IdParams,
        body: GroupBody,
        response: { 200: PostView },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      await runCommand(ctx, req, (scope) => saveGroup(ctx, scope, req.params.id, req.body, user));
      return postOf(await incidentOfPost(req.params.id), user);
    },
  );

  r.post(
    "/api/command-posts/:id/handover",
    {
      schema: {
        tags: TAGS,
        summary: "指挥权交接记录",
        params: IdParams,
        body: HandoverBody,
        response: { 201: PostView },
      },
    },
    async (req, reply) => {
      const user = principalOf(req).user;
      await runCommand(ctx, req, (scope) => handOver(ctx, scope, req.params.id, req.body, user));
      reply.status(201);
      return postOf(await incidentOfPost(req.params.id), user);
    },
  );

  r.post(
    "/api/command-posts/:id/checkins",
    {
      schema: {
        tags: TAGS,
        summary: "到场队伍、物资向现场指挥部报到登记（000 §4.4）",
        params: IdParams,
        body: CheckinBody,
        response: { 201: PostView },
      },
    },
    async (req, reply) => {
      const user = principalOf(req).user;
      await runCommand(ctx, req, (scope) => checkIn(ctx, scope, req.params.id, req.body, user));
      reply.status(201);
      return postOf(await incidentOfPost(req.params.id), user);
    },
  );

  r.post(
    "/api/command-posts/:id/cordons",
    {
      schema: {
        tags: TAGS,
        summary: "在地图上划定封控线、警戒区（GeoJSON，000 §4.4）",
        params: IdParams,
        body: CordonBody,
        response: { 201: PostView },
      },
    },
    async (req, reply) => {
      const user = principalOf(req).user;
      await runCommand(ctx, req, (scope) => drawCordon(ctx, scope, req.params.id, req.body, user));
      reply.status(201);
      return postOf(await incidentOfPost(req.params.id), user);
    },
  );

  r.get(
    "/api/incidents/:id/tasks",
    {
      schema: {
        tags: TAGS,
        summary: "任务看板（含超时标记）",
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(TaskView) }) },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const { l, resource, present } = await viewOfCase(ctx, ctx.db, req.params.id, user);
      authorize(responsePolicy, user, "read", resource);
      return { items: (await tasksOf(ctx.db, l.incident.id)).map(present) };
    },
  );

  r.post(
    "/api/incidents/:id/tasks",
    {
      schema: {
        tags: TAGS,
        summary: "分派任务给工作组或单位",
        params: IdParams,
        body: TaskBody,
        response: { 201: TaskView },
      },
    },
    async (req, reply) => {
      const user = principalOf(req).user;
      const id = await runCommand(ctx, req, (scope) => createTask(ctx, scope, req.params.id, req.body, user));
      const task = await findTask(ctx.db, id);
      if (!task) {
        throw notFound(`任务 ${id}`);
      }
      reply.status(201);
      const { present } = await viewOfCase(ctx, ctx.db, req.params.id, user);
      return present(task);
    },
  );

  r.post(
    "/api/incidents/:id/tasks/checklist",
    {
      schema: {
        tags: TAGS,
        summary: "一键将本类事件的处置措施清单（000 §4.6）生成任务",
        params: IdParams,
        body: ChecklistBody,
        response: { 201: Type.Object({ items: Type.Array(TaskView) }) },
      },
    },
    async (req, reply) => {
      const user = principalOf(req).user;
      const ids = await runCommand(ctx, req, (scope) =>
        tasksFromChecklist(ctx, scope, req.params.id, req.body, user),
      );
      const { l, present } = await viewOfCase(ctx, ctx.db, req.params.id, user);
      reply.status(201);
      return {
        items: (await tasksOf(ctx.db, l.incident.id)).filter((t) => ids.includes(t.id)).map(present),
      };
    },
  );

  r.patch(
    "/api/tasks/:id",
    {
      schema: {
        tags: TAGS,
        summary: "更新任务状态、备注、时限或改派",
        params: IdParams,
        body: TaskPatchBody,
        response: { 200: TaskView },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      await runCommand(ctx, req, (scope) => updateTaskCommand(ctx, scope, req.params.id, req.body, user));
      const task = await findTask(ctx.db, req.params.id);
      if (!task) {
        throw notFound(`任务 ${req.params.id}`);
      }
      const { present } = await viewOfCase(ctx, ctx.db, task.incident_id, user);
      return present(task);
    },
  );

  r.get(
    "/api/incidents/:id/situation-report",
    {
      schema: {
        tags: TAGS,
        summary: "按当前数据起草续报（不写入；用 POST /api/incidents/:id/reports 报送）",
        params: IdParams,
        response: { 200: SituationDraftView },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const { resource } = await viewOfCase(ctx, ctx.db, req.params.id, user);
      // The draft is the office's and the post's working paper, as the workspace offers it.
      authorize(responsePolicy, user, "draftReport", resource);
      const w = await workspace(req.params.id, user);
      const profile = ctx.plan.profile;
      return {
        kind: "continuing" as const,
        fields: situationDraft(profile, await situationData(ctx.db, w, user)),
        requiredFields: profile.reporting.requiredFields.fields.map((f) => ({ id: f.id, name: f.name })),
      };
    },
  );

  r.put(
    "/api/incidents/:id/assessment",
    {
      schema: {
        tags: TAGS,
        summary: "编辑总结评估报告的原因分析、经验教训、改进措施",
        params: IdParams,
        body: AssessmentBody,
        response: { 200: WorkspaceView },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      await runCommand(ctx, req, (scope) => saveAssessment(ctx, scope, req.params.id, req.body, user));
      return workspace(req.params.id, user);
    },
  );

  r.post(
    "/api/incidents/:id/assessment/submit",
    {
      schema: {
        tags: TAGS,
        summary: "报送总结评估报告（满足总结评估时限）",
        params: IdParams,
        response: { 200: WorkspaceView },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      await runCommand(ctx, req, (scope) => submitAssessment(ctx, scope, req.params.id, user));
      return workspace(req.params.id, user);
    },
  );

  const assessment = async (incidentId: string, user: ReturnType<typeof principalOf>["user"]) => {
    const incident = await loadIncident(ctx.db, incidentId);
    const w = await workspace(incident.id, user);
    const s = await situationData(ctx.db, w, user);
    const blocks = assessmentBlocks(ctx.plan.profile, w, s, ctx.clock.now());
    return { incident, blocks, title: `${incident.title}${w.assessments[0]?.name ?? "总结评估报告"}` };
  };

  r.get(
    "/api/incidents/:id/assessment.docx",
    { schema: { tags: TAGS, summary: "下载总结评估报告（DOCX）", params: IdParams } },
    async (req, reply) => {
      const { incident, blocks, title } = await assessment(req.params.id, principalOf(req).user);
      const buffer = await assessmentDocx(blocks, title);
      attachment(reply, DOCX, `${incident.number}-assessment.docx`, `${incident.number}-${title}.docx`);
      return buffer;
    },
  );

  r.get(
    "/api/incidents/:id/assessment.pdf",
    { schema: { tags: TAGS, summary: "下载总结评估报告（PDF，内嵌中文字体）", params: IdParams } },
    async (req, reply) => {
      const { incident, blocks, title } = await assessment(req.params.id, principalOf(req).user);
      const buffer = await assessmentPdf(blocks, title, ctx.config.pdf.font);
      attachment(
        reply,
        "application/pdf",
        `${incident.number}-assessment.pdf`,
        `${incident.number}-${title}.pdf`,
      );
      return buffer;
    },
  );
}
