import type { FastifyInstance } from "fastify";
import type { AppContext } from "../context.js";
import { principalOf } from "../http/command.js";
import { sessionStillOpen } from "../modules/auth/index.js";
import { type DomainEvent, endsStream } from "./hub.js";

const HEARTBEAT_MS = 25_000;

/**
 * `GET /api/stream`: Server-Sent Events of committed changes, for the signed-in user. The stream
 * lives no longer than its session: logout, disable and password changes end it at once (a
 * `session.ended` event), and each heartbeat re-checks that the session is still open (idle expiry).
 */
export function registerStreamRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    "/api/stream",
    { schema: { tags: ["system"], summary: "实时事件流（Server-Sent Events）" } },
    (req, reply) => {
      const principal = principalOf(req);
      const user = principal.user;
      const sessionId = principal.via === "session" ? principal.sessionId : undefined;
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
      let open = true;
      const end = () => {
        if (!open) {
          return;
        }
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
        // Tell the page why, then close: it goes back to the login page instead of reconnecting.
        res.end(`event: session.ended\ndata: {}\n\n`);
      };
      const send = (event: DomainEvent) => {
        if (!open || (event.userIds && !event.userIds.includes(user.id))) {
          return;
        }
        if (endsStream(event, user.id, sessionId)) {
          end();
          return;
        }
        const { userIds: _omit, ...visible } = event;
        res.write(`event: ${event.type}\ndata: ${JSON.stringify(visible)}\n\n`);
      };
      const unsubscribe = ctx.events.subscribe(send);
      const heartbeat = setInterval(() => {
        if (sessionId === undefined) {
          res.write(":\n\n");
          return;
        }
        sessionStillOpen(ctx, sessionId).then(
          (stillOpen) => (stillOpen ? res.write(":\n\n") : end()),
          () => res.write(":\n\n"),
        );
      }, HEARTBEAT_MS);
      heartbeat.unref();
      req.raw.on("close", () => {
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
      });
    },
  );
}
