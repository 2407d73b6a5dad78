/** Routes of the registries: list, read, create, edit, delete and history of each. */
import { authorize } from "../../authz/policy.js";
import type { AppContext } from "../../context.js";
import { notFound } from "../../errors.js";
import { principalOf, runCommand } from "../../http/command.js";
import { decodeCursor, isString, page } from "../../http/pagination.js";
import { registerImportExport } from "./importRoutes.js";
import { recordPolicy } from "./policy.js";
import {
  createRecord,
  deleteRecordCmd,
  ownedResource,
  presentRecord,
  recordHistory,
  updateRecordCmd,
} from "./records.js";
import type { RegistryDef } from "./registries.js";
import * as repo from "./repository.js";
import { Page, type Query, type R } from "./routeKit.js";
import { createBody, HistoryView, IdParams, listQuery, recordView, updateBody } from "./schema.js";

export /** The registry's list filter from a query string (exact-match filters are the fields marked `filter`). */
function recordFilter(def: RegistryDef, q: Query): Omit<repo.RecordFilter, "limit"> {
  const equals: Record<string, string> = {};
  for (const f of def.fields) {
    if (f.filter && typeof q[f.key] === "string") {
      equals[f.column] = q[f.key] as string;
    }
  }
  return {
    q: typeof q.q === "string" && q.q.trim() !== "" ? q.q.trim() : undefined,
    ownerUnitId: typeof q.ownerUnitId === "string" ? q.ownerUnitId : undefined,
    equals,
    tag: def.geo?.tags && typeof q.tag === "string" ? { column: def.geo.tags, value: q.tag } : undefined,
  };
}

export async function loadRecord(ctx: AppContext, def: RegistryDef, id: string) {
  const row = await repo.findRecord(ctx.db, def, id);
  if (!row) {
    throw notFound(`${def.label} ${id}`);
  }
  return row;
}

export function registerRegistry(r: R, ctx: AppContext, def: RegistryDef) {
  const base = `/api/${def.name}`;
  const View = recordView(def);
  const tags = ["resources"];

  r.get(
    base,
    {
      schema: {
        tags,
        summary: `${def.label}列表`,
        querystring: listQuery(def),
        response: { 200: Page(View) },
      },
    },
    async (req) => {
      const viewer = principalOf(req).user;
      authorize(recordPolicy, viewer, "list", { plan: ctx.plan, ownerUnitId: null });
      const q = req.query as Query;
      const limit = typeof q.limit === "number" ? q.limit : 50;
      const rows = await repo.listRecords(ctx.db, def, {
        ...recordFilter(def, q),
        afterCode: decodeCursor(typeof q.cursor === "string" ? q.cursor : undefined, isString),
        limit,
      });
      const result = page(rows, limit, (row) => row.code);
      return {
        items: result.items.map((row) => presentRecord(ctx, def, row, viewer)),
        nextCursor: result.nextCursor,
      };
    },
  );

  r.get(
    `${base}/:id`,
    { schema: { tags, summary: `${def.label}详情`, params: IdParams, response: { 200: View } } },
    async (req) => {
      const viewer = principalOf(req).user;
      const row = await loadRecord(ctx, def, req.params.id);
      authorize(recordPolicy, viewer, "read", ownedResource(ctx, def, row));
      return presentRecord(ctx, def, row, viewer);
    },
  );

  r.post(
    base,
    { schema: { tags, summary: `新建${def.label}`, body: createBody(def), response: { 201: View } } },
    async (req, reply) => {
      const viewer = principalOf(req).user;
      const body = req.body as Query;
      const id = await runCommand(ctx, req, (scope) => createRecord(ctx, scope, viewer, def, body));
      reply.status(201);
      return presentRecord(ctx, def, await loadRecord(ctx, def, id), viewer);
    },
  );

  r.patch(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: `修改${def.label}`,
        params: IdParams,
        body: updateBody(def),
        response: { 200: View },
      },
    },
    async (req) => {
      const viewer = principalOf(req).user;
      const body = req.body as Query;
      const id = req.params.id;
      await runCommand(ctx, req, (scope) => updateRecordCmd(ctx, scope, viewer, def, id, body));
      return presentRecord(ctx, def, await loadRecord(ctx, def, id), viewer);
    },
  );

  r.delete(
    `${base}/:id`,
    { schema: { tags, summary: `删除${def.label}`, params: IdParams } },
    async (req, reply) => {
      const viewer = principalOf(req).user;
      const id = req.params.id;
      await runCommand(ctx, req, (scope) => deleteRecordCmd(ctx, scope, viewer, def, id));
      reply.status(204);
    },
  );

  r.get(
    `${base}/:id/history`,
    {
      schema: {
        tags,
        summary: `${def.label}变更历史（审计记录）`,
        params: IdParams,
        response: { 200: HistoryView },
      },
    },
    async (req) => {
      const viewer = principalOf(req).user;
      const row = await loadRecord(ctx, def, req.params.id);
      authorize(recordPolicy, viewer, "read", ownedResource(ctx, def, row));
      return { items: await recordHistory(ctx.db, def.entity, req.params.id) };
    },
  );

  registerImportExport(r, ctx, def.name, def.label, def);
}
