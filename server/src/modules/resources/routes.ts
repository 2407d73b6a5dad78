/**
 * HTTP routes of the resources module, one file per workflow: registries (recordRoutes), import and
 * export (importRoutes), the stock ledger, dispatch, shelters and the map. Handlers are thin: each
 * calls one command inside runCommand (which authorizes on the rows it reads) and presents.
 */
import type { FastifyInstance } from "fastify";
import { IMPORT_MAX_BYTES } from "../../../../shared/resources.js";
import type { AppContext } from "../../context.js";
import { registerDispatches } from "./dispatchRoutes.js";
import { registerImports } from "./importRoutes.js";
import { registerMap } from "./mapRoutes.js";
import { registerRegistry } from "./recordRoutes.js";
import { REGISTRIES, REGISTRY_NAMES } from "./registries.js";
import { typed, XLSX_TYPE } from "./routeKit.js";
import { registerShelters } from "./shelterRoutes.js";
import { registerStock } from "./stockRoutes.js";

export function registerResourceRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Encapsulated so the spreadsheet body parsers and the larger upload limit stay with these routes.
  app.register(async (scope) => {
    for (const type of [XLSX_TYPE, "text/csv", "application/octet-stream"]) {
      scope.addContentTypeParser(
        type,
        { parseAs: "buffer", bodyLimit: IMPORT_MAX_BYTES },
        (_req, body, done) => done(null, body),
      );
    }
    const r = typed(scope);
    for (const name of REGISTRY_NAMES) {
      registerRegistry(r, ctx, REGISTRIES[name]);
    }
    registerStock(r, ctx);
    registerImports(r, ctx);
    registerDispatches(r, ctx);
    registerShelters(r, ctx);
    registerMap(r, ctx);
  });
}
