import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { METRICS } from "../../../../shared/plan/schema.js";
import type { AppContext } from "../../context.js";
import { badRequest, notFound } from "../../errors.js";
import {
  cooperatingDepartments,
  findSubtype,
  leadDepartments,
  responsibleHq,
  suggestLevel,
} from "./rules.js";
import { sourceSection } from "./sources.js";

const UnitRef = Type.Object({
  id: Type.String(),
  name: Type.String(),
  short: Type.Union([Type.String(), Type.Null()]),
});

export function registerPlanRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { profile, org } = ctx.plan;
  const unitsById = new Map(org.units.map((u) => [u.id, u]));
  const unitRef = (id: string) => {
    const u = unitsById.get(id);
    return { id, name: u?.name ?? id, short: u?.short ?? null };
  };

  r.get(
    "/api/plan",
    {
      schema: {
        tags: ["plans"],
        summary: "当前启用的数字化预案（含其引用的组织单元名称）",
        response: {
          200: Type.Object({
            profile: Type.Unknown(),
            units: Type.Record(Type.String(), UnitRef),
          }),
        },
      },
    },
    async () => ({
      profile,
      units: Object.fromEntries(org.units.map((u) => [u.id, unitRef(u.id)])),
    }),
  );

  r.get(
    "/api/plan/lead",
    {
      schema: {
        tags: ["plans"],
        summary: "事件子类的主责部门、协作部门和专项指挥部（000 §2.7）",
        querystring: Type.Object(
          { subtype: Type.String({ minLength: 1, maxLength: 64 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            subtype: Type.Object({ id: Type.String(), name: Type.String(), source: Type.String() }),
            category: Type.Object({ id: Type.String(), name: Type.String() }),
            lead: Type.Array(UnitRef),
            cooperating: Type.Array(UnitRef),
            hq: Type.Union([UnitRef, Type.Null()]),
          }),
        },
      },
    },
    async (req) => {
      const found = findSubtype(profile, req.query.subtype);
      if (!found) {
        throw notFound(`事件子类 ${req.query.subtype}`);
      }
      const category = profile.taxonomy.categories.find((c) => c.id === found.categoryId);
      const hq = responsibleHq(profile, found.subtype.id);
      return {
        subtype: { id: found.subtype.id, name: found.subtype.name, source: found.subtype.source },
        category: { id: found.categoryId, name: category?.name ?? found.categoryId },
        lead: leadDepartments(profile, found.subtype.id).map(unitRef),
        cooperating: cooperatingDepartments(profile, found.subtype.id).map(unitRef),
        hq: hq ? unitRef(hq) : null,
      };
    },
  );

  r.post(
    "/api/plan/suggest-level",
    {
      schema: {
        tags: ["plans"],
        summary: "按预案量化标准建议事件等级（须由有权限的人确认）",
        body: Type.Object(
          {
            subtype: Type.String({ minLength: 1, maxLength: 64 }),
            figures: Type.Partial(
              Type.Object(Object.fromEntries(METRICS.map((m) => [m, Type.Number({ minimum: 0 })]))),
              { additionalProperties: false },
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      if (!findSubtype(profile, req.body.subtype)) {
        throw badRequest(`预案中没有事件子类“${req.body.subtype}”`, [
          { path: "subtype", message: `预案中没有事件子类“${req.body.subtype}”` },
        ]);
      }
      const figures = req.body.figures as Partial<Record<(typeof METRICS)[number], number>>;
      return suggestLevel(profile, req.body.subtype, figures);
    },
  );

  r.get(
    "/api/plan/catalogue",
    {
      schema: {
        tags: ["plans"],
        summary: "预案目录（附表1 专项预案、附表2 部门预案）及牵头单位",
      },
    },
    async () => {
      const catalogue = profile.catalogue ?? { special: [], department: [] };
      const present = (e: (typeof catalogue.special)[number]) => ({ ...e, lead: e.lead.map(unitRef) });
      return { special: catalogue.special.map(present), department: catalogue.department.map(present) };
    },
  );

  r.get(
    "/api/plan/source",
    {
      schema: {
        tags: ["plans"],
        summary: "规则出处的原文（如 ref=000 §4.1）",
        querystring: Type.Object(
          { ref: Type.String({ minLength: 3, maxLength: 120 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            doc: Type.String(),
            section: Type.String(),
            title: Type.String(),
            text: Type.String(),
          }),
        },
      },
    },
    async (req) => {
      const section = sourceSection(req.query.ref);
      if (!section) {
        throw notFound(`原文章节 ${req.query.ref}`);
      }
      return section;
    },
  );
}
