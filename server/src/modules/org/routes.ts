import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { ORG_UNIT_TYPES } from "../../../../shared/roles.js";
import type { AppContext } from "../../context.js";
import type { OrgUnitTable } from "../../db/schema.js";
import { notFound } from "../../errors.js";
import { decodeCursor, isPair, PageQuery, page } from "../../http/pagination.js";
import { ancestry, attrsOf, findUnit, listUnits } from "./repository.js";

export const OrgUnitView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  shortName: Type.Union([Type.String(), Type.Null()]),
  type: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()]),
  divisionCode: Type.Union([Type.String(), Type.Null()]),
  attrs: Type.Record(Type.String(), Type.Unknown()),
  childCount: Type.Optional(Type.Integer()),
});

export function presentUnit(u: OrgUnitTable & { child_count?: number }) {
  return {
    id: u.id,
    name: u.name,
    shortName: u.short_name,
    type: u.type,
    parentId: u.parent_id,
    divisionCode: u.division_code,
    attrs: attrsOf(u),
    ...(u.child_count !== undefined ? { childCount: u.child_count } : {}),
  };
}

/** The people of a unit, as the unit page lists them. */
export interface UnitMember {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
}

/**
 * The org API. `membersOf` is the users module's (handed in by the app): users depends on the plan,
 * and the plan on the org file, so org asking users directly would close a cycle.
 */
export function registerOrgRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  { membersOf }: { membersOf: (db: AppContext["db"], unitId: string) => Promise<UnitMember[]> },
): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    "/api/org/units",
    {
      schema: {
        tags: ["org"],
        summary: "组织单元列表（按类型、上级、关键字筛选；parent 为空串时列出根节点）",
        querystring: Type.Object(
          {
            type: Type.Optional(Type.Union(ORG_UNIT_TYPES.map((t) => Type.Literal(t)))),
            parent: Type.Optional(Type.String({ maxLength: 64 })),
            q: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(OrgUnitView),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (req) => {
      const { type, parent, q, cursor } = req.query;
      const limit = req.query.limit ?? 50;
      const rows = await listUnits(ctx.db, {
        type,
        parentId: parent,
        q,
        after: decodeCursor(cursor, isPair),
        limit,
      });
      const result = page(rows, limit, (u) => [u.sort_key, u.id]);
      return { items: result.items.map(presentUnit), nextCursor: result.nextCursor };
    },
  );

  r.get(
    "/api/org/units/:id",
    {
      schema: {
        tags: ["org"],
        summary: "组织单元详情（含上级路径、下级、成员用户）",
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: {
          200: Type.Object({
            unit: OrgUnitView,
            path: Type.Array(OrgUnitView),
            children: Type.Array(OrgUnitView),
            members: Type.Array(
              Type.Object({
                id: Type.String(),
                username: Type.String(),
                displayName: Type.String(),
                roles: Type.Array(Type.String()),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const unit = await findUnit(ctx.db, req.params.id);
      if (!unit) {
        throw notFound(`组织单元 ${req.params.id}`);
      }
      const [path, children, members] = await Promise.all([
        ancestry(ctx.db, unit.id),
        listUnits(ctx.db, { parentId: unit.id, limit: 2000 }),
        membersOf(ctx.db, unit.id),
      ]);
      return {
        unit: presentUnit(unit),
        path: path.slice(0, -1).map(presentUnit),
        children: children.map(presentUnit),
        members,
      };
    },
  );
}
