/** Routes of the map: registry descriptions, nearest-K, points in a box, the offline basemap. */
import { Type } from "typebox";
import type { AppContext } from "../../context.js";
import { principalOf } from "../../http/command.js";
import { districtCentre, districtOutline } from "./geo.js";
import * as svc from "./nearest.js";
import { type FieldDef, REGISTRIES, REGISTRY_NAMES, STOCK_SHEET } from "./registries.js";
import * as repo from "./repository.js";
import type { R } from "./routeKit.js";
import { GeoPointView, MapQuery, NearestQuery } from "./schema.js";

/** A field as the web app renders it: label, widget type, whether required, allowed values. */
function describeField(f: FieldDef) {
  const t = f.type;
  const options =
    t.t === "enum" || (t.t === "list" && t.labels)
      ? Object.entries(t.labels ?? {}).map(([value, label]) => ({ value, label }))
      : null;
  return {
    key: f.key,
    label: f.label,
    type: t.t,
    required: f.required === true,
    system: f.system === true,
    filter: f.filter === true,
    options,
    min: t.t === "int" || t.t === "number" ? t.min : null,
    max: t.t === "int" || t.t === "number" ? (t.max ?? null) : t.t === "text" ? t.max : null,
    help: f.help ?? null,
  };
}

const FieldDescription = Type.Object({
  key: Type.String(),
  label: Type.String(),
  type: Type.String(),
  required: Type.Boolean(),
  system: Type.Boolean(),
  filter: Type.Boolean(),
  options: Type.Union([Type.Array(Type.Object({ value: Type.String(), label: Type.String() })), Type.Null()]),
  min: Type.Union([Type.Number(), Type.Null()]),
  max: Type.Union([Type.Number(), Type.Null()]),
  help: Type.Union([Type.String(), Type.Null()]),
});

export function registerMap(r: R, ctx: AppContext) {
  const tags = ["resources"];

  r.get(
    "/api/resources/registries",
    {
      schema: {
        tags,
        summary: "各类资源台账的字段说明（表单、筛选、导入模板由此生成）",
        response: {
          200: Type.Object({
            registries: Type.Array(
              Type.Object({
                name: Type.String(),
                label: Type.String(),
                owned: Type.Boolean(),
                geoKind: Type.Union([Type.String(), Type.Null()]),
                tagField: Type.Union([Type.String(), Type.Null()]),
                fields: Type.Array(FieldDescription),
              }),
            ),
            stock: Type.Array(FieldDescription),
          }),
        },
      },
    },
    async (req) => {
      principalOf(req);
      return {
        registries: REGISTRY_NAMES.map((name) => {
          const def = REGISTRIES[name];
          const tagColumn = def.geo?.tags;
          return {
            name,
            label: def.label,
            owned: def.owned,
            geoKind: def.geo?.kind ?? null,
            tagField: def.fields.find((f) => f.column === tagColumn)?.key ?? null,
            fields: def.fields.map(describeField),
          };
        }),
        stock: STOCK_SHEET.map(describeField),
      };
    },
  );

  r.get(
    "/api/resources/nearest",
    {
      schema: {
        tags,
        summary: "最近的 K 个资源（空间索引），附距离（米）",
        querystring: NearestQuery,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Intersect([GeoPointView, Type.Object({ distanceM: Type.Number() })])),
          }),
        },
      },
    },
    async (req) => {
      principalOf(req);
      const q = req.query;
      const items = await svc.nearest(ctx.db, ctx, { lat: q.lat, lng: q.lng }, q.limit ?? 10, {
        kinds: q.kind ? [q.kind] : undefined,
        category: q.category,
        status: q.status,
        tag: q.tag,
      });
      return { items };
    },
  );

  r.get(
    "/api/resources/map",
    {
      schema: {
        tags,
        summary: "一张图：资源点位",
        querystring: MapQuery,
        response: { 200: Type.Object({ items: Type.Array(GeoPointView), truncated: Type.Boolean() }) },
      },
    },
    async (req) => {
      principalOf(req);
      const q = req.query;
      const kinds = q.kinds
        ? q.kinds
            .split(",")
            .map((k) => k.trim())
            .filter((k) => k !== "")
        : undefined;
      const box =
        q.minLat !== undefined && q.maxLat !== undefined && q.minLng !== undefined && q.maxLng !== undefined
          ? { minLat: q.minLat, maxLat: q.maxLat, minLng: q.minLng, maxLng: q.maxLng }
          : null;
      const limit = q.limit ?? 5000;
      const rows = await repo.geoInBox(ctx.db, ctx.dialect, box, { kinds }, limit + 1);
      return { items: rows.slice(0, limit).map(svc.presentPoint), truncated: rows.length > limit };
    },
  );

  r.get(
    "/api/resources/basemap",
    {
      config: { public: true },
      schema: {
        tags,
        summary: "离线底图：本区轮廓（GeoJSON）与可配置的瓦片地址",
        security: [],
        response: {
          200: Type.Object({
            district: Type.Object({ code: Type.String(), name: Type.String() }),
            centre: Type.Object({ lat: Type.Number(), lng: Type.Number() }),
            outline: Type.Union([Type.Unknown(), Type.Null()]),
            tileUrl: Type.Union([Type.String(), Type.Null()]),
            tileAttribution: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async () => {
      const outline = districtOutline(ctx.plan.org);
      return {
        district: ctx.plan.org.district,
        centre: districtCentre(ctx.plan.org),
        outline,
        // An intranet tile server when there is one (e.g. http://tiles.local/{z}/{x}/{y}.png).
        tileUrl: ctx.config.map.tileUrl ?? null,
        tileAttribution: ctx.config.map.tileAttribution ?? null,
      };
    },
  );
}
