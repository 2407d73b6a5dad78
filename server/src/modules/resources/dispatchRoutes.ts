/**
 * Routes of dispatch (supplies and equipment 000 §6.7, teams 000 §6.2): list, preview of the
 * approval chain, request and each step.
 */
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { AppContext } from "../../context.js";
import { badRequest, notFound } from "../../errors.js";
import { principalOf, runCommand } from "../../http/command.js";
import { decodeCursor, isPair, page } from "../../http/pagination.js";
import * as svc from "./dispatch.js";
import * as repo from "./repository.js";
import { Page, type Query, type R } from "./routeKit.js";
import {
  CreateDispatchBody,
  DispatchListQuery,
  DispatchView,
  IdParams,
  RejectBody,
  ReturnBody,
  RulePreviewQuery,
  StepBody,
} from "./schema.js";

export function registerDispatches(r: R, ctx: AppContext) {
  const tags = ["dispatch"];
  const present = async (id: string, req: FastifyRequest) => {
    const d = await repo.findDispatch(ctx.db, id);
    if (!d) {
      throw notFound(`调用记录 ${id}`);
    }
    return svc.presentDispatch(ctx, d, principalOf(req).user);
  };

  r.get(
    "/api/dispatches",
    {
      schema: {
        tags,
        summary: "资源调用记录（新到旧）",
        querystring: DispatchListQuery,
        response: { 200: Page(DispatchView) },
      },
    },
    async (req) => {
      const viewer = principalOf(req).user;
      const q = req.query;
      const limit = q.limit ?? 50;
      const rows = await repo.listDispatches(ctx.db, {
        incidentId: q.incidentId,
        state: q.state,
        resourceType: q.resourceType,
        resourceId: q.resourceId,
        before: decodeCursor(q.cursor, isPair),
        limit,
      });
      const result = page(rows, limit, (d) => [d.created_at, d.id]);
      return {
        items: result.items.map((d) => svc.presentDispatch(ctx, d, viewer)),
        nextCursor: result.nextCursor,
      };
    },
  );

  r.get(
    "/api/dispatches/rule",
    {
      schema: {
        tags,
        summary: "预览调用审批流程（物资 000 §6.7、队伍 000 §6.2，按预案）",
        querystring: RulePreviewQuery,
        response: {
          200: Type.Object({
            case: Type.String(),
            name: Type.String(),
            source: Type.String(),
            gap: Type.Union([Type.String(), Type.Null()]),
            steps: Type.Array(
              Type.Object({ action: Type.String(), name: Type.String(), by: Type.Array(Type.String()) }),
            ),
          }),
        },
      },
    },
    async (req) => {
      principalOf(req);
      const q = req.query;
      let teamKind: string | undefined;
      if (q.teamId !== undefined) {
        const team = await repo.findTeam(ctx.db, q.teamId);
        if (!team) {
          throw badRequest(`teamId: 队伍 ${q.teamId} 不存在`, [
            { path: "teamId", message: `队伍 ${q.teamId} 不存在` },
          ]);
        }
        teamKind = team.kind;
      }
      return svc.previewRule(ctx, q.requestingUnitId, q.owningUnitId, teamKind);
    },
  );

  r.get(
    "/api/dispatches/:id",
    { schema: { tags, summary: "调用记录详情", params: IdParams, response: { 200: DispatchView } } },
    async (req) => present(req.params.id, req),
  );

  r.post(
    "/api/dispatches",
    {
      schema: {
        tags,
        summary: "提出资源调用需求（关联突发事件）",
        description:
          "步骤按预案：物资、装备按 supplyDispatch（000 §6.7：本单位物资直接调用；调用其他单位物资须区应急办审核、区应急委领导批准）；队伍按 teamDispatch（000 §6.2：区属专业队伍由主管指挥部或部门调度；其他队伍通过行业主管部门或区应急办协调调度；综合应急救援队由区应急办协调调度；部队按相关规定执行调用程序）。",
        body: CreateDispatchBody,
        response: { 201: DispatchView },
      },
    },
    async (req, reply) => {
      const user = principalOf(req).user;
      const id = await runCommand(ctx, req, (scope) => svc.requestDispatch(ctx, scope, user, req.body));
      reply.status(201);
      return present(id, req);
    },
  );

  const step = (
    path: string,
    summary: string,
    body: typeof StepBody | typeof RejectBody | typeof ReturnBody,
    run: (
      scope: Parameters<Parameters<typeof runCommand>[2]>[0],
      id: string,
      body: Query,
      req: FastifyRequest,
    ) => Promise<void>,
  ) =>
    r.post(
      `/api/dispatches/:id/${path}`,
      { schema: { tags, summary, params: IdParams, body, response: { 200: DispatchView } } },
      async (req) => {
        const id = (req.params as { id: string }).id;
        await runCommand(ctx, req, (scope) => run(scope, id, (req.body ?? {}) as Query, req));
        return present(id, req);
      },
    );

  step("approve", "审核／批准／下达指令（完成当前待办的审批步骤）", StepBody, (scope, id, body, req) =>
    svc.approveDispatch(ctx, scope, principalOf(req).user, id, body.comment as string | undefined),
  );
  step("reject", "驳回或撤回调用需求", RejectBody, (scope, id, body, req) =>
    svc.rejectDispatch(ctx, scope, principalOf(req).user, id, String(body.reason)),
  );
  step("dispatch", "出发（物资出库、队伍转为已出动）", StepBody, (scope, id, body, req) =>
    svc.sendDispatch(ctx, scope, principalOf(req).user, id, body.comment as string | undefined),
  );
  step("arrive", "到达现场报到（000 §4.4）", StepBody, (scope, id, body, req) =>
    svc.arriveDispatch(ctx, scope, principalOf(req).user, id, body.comment as string | undefined),
  );
  step("return", "归还或登记消耗（物资入库、队伍归队）", ReturnBody, (scope, id, body, req) =>
    svc.returnDispatch(ctx, scope, principalOf(req).user, id, body as unknown as svc.ReturnInput),
  );
}
