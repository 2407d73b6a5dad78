import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { AppContext } from "../../context.js";
import { districtOutline, OUTLINE_TOLERANCE_KM } from "./district.js";

const Outline = Type.Object({
  code: Type.String(),
  name: Type.String(),
  bbox: Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }),
  toleranceKm: Type.Number(),
  tileUrl: Type.Union([Type.String(), Type.Null()]),
  tileAttribution: Type.Union([Type.String(), Type.Null()]),
  outline: Type.Unsafe<Record<string, unknown>>({
    type: "object",
    additionalProperties: true,
    description: "GeoJSON Feature (MultiPolygon)",
  }),
});

export function registerGeoRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    "/api/public/geo/district",
    {
      config: { public: true },
      schema: {
        tags: ["geo"],
        summary: "本区行政区划边界（离线底图）与可选瓦片地址",
        response: { 200: Outline },
      },
    },
    async (_req, reply) => {
      const outline = districtOutline(ctx.plan.profile.meta.district.code);
      reply.header("cache-control", "public, max-age=86400");
      return {
        code: outline.code,
        name: outline.name,
        bbox: outline.bbox,
        toleranceKm: OUTLINE_TOLERANCE_KM,
        // Basemap tiles are optional: the portal works offline on the district outline alone.
        tileUrl: ctx.config.map.tileUrl ?? null,
        tileAttribution: ctx.config.map.tileAttribution ?? null,
        outline: outline.feature as unknown as Record<string, unknown>,
      };
    },
  );
}
