import type { FastifyInstance } from "fastify";
import type { AppContext } from "../context.js";
import { principalOf } from "../http/command.js";
import type { DomainEvent } from "./hub.js";

const HEARTBEAT_MS = 25_000;

/** `GET /api/stream`: Server-Sent Events of committed changes, for the signed-in user. */
export function registerStreamRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    "/api/stream",
    { schema: { tags: ["system"], summary: "实时事件流（Server-Sent Events）" } },
    (req, reply) => {
      const user = principalOf(req).user;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      res.write(
        `retry: 3000\nevent: ready\ndata: ${JSON.stringify({ at: ctx.clock.now().toISOString() })}\n\n`,
      );
      const send = (event: DomainEvent) => {
        if (event.userIds && !event.userIds.includes(user.id)) {
          return;
        }
        const { userIds: _omit, ...visible } = event;
        res.write(`event: ${event.type}\ndata: ${JSON.stringify(visible)}\n\n`);
      };
      const unsubscribe = ctx.events.subscribe(send);
      const heartbeat = setInterval(() => res.write(":\n\n"), HEARTBEAT_MS);
      heartbeat.unref();
      req.raw.on("close", () => {
        clearInterval(heartbeat);
        unsubscribe();
      });
    },
  );
}
