/** Routes of shelters (000 §6.9): open, close, occupancy, who may open, and the public list. */
import { Type } from "typebox";
import type { AppContext } from "../../context.js";
import { badRequest } from "../../errors.js";
import { principalOf, runCommand } from "../../http/command.js";
import { loadRecord } from "./recordRoutes.js";
import { presentRecord } from "./records.js";
import { REGISTRIES } from "./registries.js";
import type { R } from "./routeKit.js";
import {
  IdParams,
  OccupancyBody,
  OpenShelterBody,
  PublicShelterView,
  recordView,
  StepBody,
} from "./schema.js";
import * as svc from "./shelters.js";

export function registerShelters(r: R, ctx: AppContext) {
  const def = REGISTRIES.shelters;
  const View = recordView(def);
  const tags = ["resources"];

  r.post(
    "/api/shelters/:id/open",
    {
      schema: {
        tags,
        summary: "启用应急避难场所（权限按预案 000 §6.9）",
        params: IdParams,
        body: OpenShelterBody,
        response: { 200: View },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const id = req.params.id;
      await runCommand(ctx, req, (scope) => svc.openShelter(ctx, scope, user, id, req.body));
      return presentRecord(ctx, def, await loadRecord(ctx, def, id), user);
    },
  );

  r.post(
    "/api/shelters/:id/close",
    {
      schema: {
        tags,
        summary: "关闭应急避难场所",
        params: IdParams,
        body: StepBody,
        response: { 200: View },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const id = req.params.id;
      await runCommand(ctx, req, (scope) => svc.closeShelter(ctx, scope, user, id));
      return presentRecord(ctx, def, await loadRecord(ctx, def, id), user);
    },
  );

  r.post(
    "/api/shelters/:id/occupancy",
    {
      schema: {
        tags,
        summary: "登记当前安置人数",
        params: IdParams,
        body: OccupancyBody,
        response: { 200: View },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const id = req.params.id;
      await runCommand(ctx, req, (scope) => svc.setOccupancy(ctx, scope, user, id, req.body.occupancy));
      return presentRecord(ctx, def, await loadRecord(ctx, def, id), user);
    },
  );

  r.get(
    "/api/shelters/:id/activation",
    {
      schema: {
        tags,
        summary: "谁可以启用该场所（按预案）",
        params: IdParams,
        response: {
          200: Type.Object({
            by: Type.Array(Type.String()),
            source: Type.Union([Type.String(), Type.Null()]),
            allowed: Type.Boolean(),
          }),
        },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      return svc.activationInfo(ctx, user, req.params.id);
    },
  );

  r.get(
    "/api/public/shelters",
    {
      config: { public: true },
      schema: {
        tags: ["public"],
        summary: "已启用的应急避难场所（公众，按距离由近到远）",
        security: [],
        querystring: Type.Object(
          {
            lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
            lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(PublicShelterView) }) },
      },
    },
    async (req) => {
      const { lat, lng } = req.query;
      if ((lat === undefined) !== (lng === undefined)) {
        throw badRequest("lat 和 lng 须同时提供", [
          { path: lat === undefined ? "lat" : "lng", message: "须与另一坐标同时提供" },
        ]);
      }
      const from = lat !== undefined && lng !== undefined ? { lat, lng } : undefined;
      return { items: await svc.publicShelters(ctx.db, from) };
    },
  );
}
