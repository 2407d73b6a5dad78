import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";
import { runCommand } from "../../http/command.js";
import { usersWithRoles } from "../users/index.js";
import { notifyUsers } from "./notifications.js";
import { enqueue } from "./outbox.js";

const clock = new ManualClock("2026-11-27T03:00:00Z");
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock });
});
afterAll(() => server.close());

/** Reads SSE frames from /api/stream until `want` events of the given type have arrived. */
async function collect(
  url: string,
  cookie: string,
  type: string,
  want: number,
  trigger: () => Promise<void>,
) {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/stream`, { headers: { cookie }, signal: controller.signal });
  const reader = res.body?.getReader();
  if (!reader) {
    throw new Error("no stream");
  }
  const decoder = new TextDecoder();
  let buffer = "";
  const events: unknown[] = [];
  let triggered = false;
  while (events.length < want) {
    const { value, done } = await reader.read();
    if (done) {
      break;
    }
    buffer += decoder.decode(value, { stream: true });
    for (let i = buffer.indexOf("\n\n"); i >= 0; i = buffer.indexOf("\n\n")) {
      const frame = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      const name = /^event: (.+)$/m.exec(frame)?.[1];
      const data = /^data: (.+)$/m.exec(frame)?.[1];
      if (name === "ready" && !triggered) {
        triggered = true;
        await trigger();
      } else if (name === type && data) {
        events.push(JSON.parse(data));
      }
    }
  }
  controller.abort();
  return events;
}

describe("in-app notifications and the live stream", () => {
  it("delivers a committed notification to its user's stream and list, and nothing from a rolled-back one", async () => {
    const duty = await server.login("duty");
    const me = await duty.get<{ user: { id: string } }>("/api/me");
    type List = { items: { id: string; title: string }[]; unreadCount: number };
    // The demo data may already have told the duty officer something (a release request, say).
    const before = await duty.get<List>("/api/notifications");
    const known = new Set(before.body.items.map((n) => n.id));
    const cookie = duty.cookie ?? "";
    const events = await collect(server.url, cookie, "notification.created", 1, async () => {
      await runCommand(server.ctx, { id: "test" }, async (scope) => {
        await notifyUsers(scope, [me.body.user.id], { title: "回滚的通知", body: "不应出现" });
        throw new Error("rollback");
      }).catch(() => undefined);
      await runCommand(server.ctx, { id: "test" }, async (scope) => {
        const ids = await usersWithRoles(scope.trx, ["duty_officer"]);
        await notifyUsers(scope, ids, { title: "初报即将超时", body: "测试事件", link: "/incidents/1" });
      });
    });
    expect(events).toEqual([
      expect.objectContaining({
        type: "notification.created",
        data: expect.objectContaining({ title: "初报即将超时" }),
      }),
    ]);
    const list = await duty.get<List>("/api/notifications");
    const added = list.body.items.filter((n) => !known.has(n.id));
    expect(added.map((n) => n.title)).toEqual(["初报即将超时"]);
    expect(list.body.unreadCount).toBe(before.body.unreadCount + 1);
    const first = added[0];
    expect((await duty.post(`/api/notifications/${first?.id}/read`)).status).toBe(204);
    const after = await duty.get<{ unreadCount: number }>("/api/notifications");
    expect(after.body.unreadCount).toBe(before.body.unreadCount);
    const office = await server.login("office");
    expect((await office.post(`/api/notifications/${first?.id}/read`)).status).toBe(404);
  });
});

describe("transactional outbox", () => {
  it("delivers each message once, retries a failing receiver with backoff, and ignores a repeated dedupe key", async () => {
    const received: { key: string | undefined; body: string }[] = [];
    let failuresLeft = 2;
    const sink = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => {
        if (req.url === "/flaky" && failuresLeft > 0) {
          failuresLeft--;
          res.writeHead(503).end();
          return;
        }
        received.push({ key: req.headers["idempotency-key"] as string | undefined, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
    try {
      await runCommand(server.ctx, { id: "t" }, async (scope) => {
        const n = await enqueue(scope.trx, scope.now, [
          { channel: "webhook", recipient: `${base}/ok`, dedupeKey: "m1:ok", body: "蓝色预警" },
          { channel: "webhook", recipient: `${base}/flaky`, dedupeKey: "m1:flaky", body: "蓝色预警" },
          { channel: "webhook", recipient: `${base}/ok`, dedupeKey: "m1:ok", body: "蓝色预警（重复）" },
        ]);
        expect(n).toBe(2);
      });
      await server.ctx.scheduler.runOnce(server.ctx);
      expect(received.map((r) => r.key)).toEqual(["m1:ok"]);
      await server.ctx.scheduler.runOnce(server.ctx); // not due yet: backoff 10 s
      expect(received).toHaveLength(1);
      clock.advance(10_000);
      await server.ctx.scheduler.runOnce(server.ctx); // second failure, next in 20 s
      clock.advance(20_000);
      await server.ctx.scheduler.runOnce(server.ctx);
      expect(received.map((r) => r.key)).toEqual(["m1:ok", "m1:flaky"]);
      const rows = await server.ctx.db
        .selectFrom("outbox")
        .select(["dedupe_key", "state", "attempts"])
        .where("dedupe_key", "like", "m1:%")
        .orderBy("dedupe_key")
        .execute();
      expect(rows).toEqual([
        { dedupe_key: "m1:flaky", state: "sent", attempts: 3 },
        { dedupe_key: "m1:ok", state: "sent", attempts: 1 },
      ]);
    } finally {
      sink.close();
    }
  });
});
