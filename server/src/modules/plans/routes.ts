import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../context.js";

/** Plan API routes (GET /api/plan …) are added with the plan module. */
export function registerPlanRoutes(_app: FastifyInstance, _ctx: AppContext): void {}
