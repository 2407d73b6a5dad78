import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { AppContext } from "../../context.js";
import { pingDatabase } from "./repository.js";

export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    "/api/health",
    {
      config: { public: true },
      schema: {
        tags: ["system"],
        summary: "健康检查",
        response: {
          200: Type.Object({
            status: Type.Literal("ok"),
            db: Type.Union([Type.Literal("sqlite"), Type.Literal("postgres")]),
            version: Type.String(),
            plan: Type.String(),
          }),
        },
      },
    },
    async () => {
      await pingDatabase(ctx.db);
      return { status: "ok" as const, db: ctx.dialect, version: ctx.version, plan: ctx.plan.profile.meta.id };
    },
  );
}
