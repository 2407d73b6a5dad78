/** Routes of dispatch (000 §6.7): list, preview of the approval chain, request and each step. */
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { AppContext } from "../../context.js";
import { notFound } from "../../errors.js";
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
        summary: "预览调用审批流程（000 §6.7，按预案）",
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
      return svc.previewRule(ctx, req.query.requestingUnitId, req.query.owningUnitId);
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
          "审批步骤按预案 dispatchApproval（000 §6.7）：本单位物资直接调用；调用其他单位物资须区应急办审核、区应急委领导批准。",
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
