/**
 * Dissemination end to end (issue 5 §4): targeting by division code and by location, SMS through an
 * HTTP gateway and e-mail through SMTP (both faked by local servers started here), retries while a
 * channel is down, and exactly-once delivery across a dispatcher killed with SIGKILL mid-dispatch.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv } from "../../../../tests/support/cli.js";
import { type ApiClient, startTestServer, type TestServer } from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";
import { emailAdapter } from "../notify/email.js";
import { smsAdapter } from "../notify/sms.js";
import { runDisseminationJobs, targetSubscribers } from "./dissemination.js";
import { gridCell, insertSubscribers } from "./repository.js";
import { draftBody, JIANWAI, WANGJING } from "./testSupport.js";

const clock = new ManualClock("2026-11-27T03:00:00Z");
let server: TestServer;

/** A fake SMS gateway: dedupes by messageId like a real one; can fail or hang on demand. */
class FakeGateway {
  raw: { id: string; to: string; segments: number }[] = [];
  delivered = new Map<string, string>(); // messageId → phone
  mode: "ok" | "down" | "hang-after" = "ok";
  hangAfter = Number.POSITIVE_INFINITY;
  private hung: http.ServerResponse[] = [];
  private server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      const msg = JSON.parse(body) as { messageId: string; to: string; segmentCount: number };
      if (this.mode === "down") {
        res.writeHead(503).end();
        return;
      }
      this.raw.push({ id: msg.messageId, to: msg.to, segments: msg.segmentCount });
      const duplicate = this.delivered.has(msg.messageId);
      if (!duplicate) {
        this.delivered.set(msg.messageId, msg.to);
      }
      if (this.mode === "hang-after" && this.raw.length > this.hangAfter) {
        // Accepted and sent to the phone, but the answer never reaches the dispatcher.
        this.hung.push(res);
        return;
      }
      res.writeHead(duplicate ? 409 : 200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  url = "";
  async start() {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/sms`;
  }
  /** How many distinct messages of one warning each phone received. */
  perPhone(warningId: string): Map<string, number> {
    const m = new Map<string, number>();
    for (const [id, phone] of this.delivered) {
      if (id.startsWith(`w:${warningId}:`)) {
        m.set(phone, (m.get(phone) ?? 0) + 1);
      }
    }
    return m;
  }
  async stop() {
    for (const r of this.hung) {
      r.destroy();
    }
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

const gateway = new FakeGateway();
const mails: { to: string; messageId: string; dedupeKey: string }[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  onData(stream, session, callback) {
    let raw = "";
    stream.on("data", (c: Buffer) => {
      raw += c.toString();
    });
    stream.on("end", () => {
      const messageId = /^Message-ID:\s*(.+)$/im.exec(raw)?.[1]?.trim() ?? "";
      const dedupeKey = /^X-Fenghuo-Dedupe-Key:\s*(.+)$/im.exec(raw)?.[1]?.trim() ?? "";
      for (const rcpt of session.envelope.rcptTo) {
        mails.push({ to: rcpt.address, messageId, dedupeKey });
      }
      callback();
    });
  },
});

const INSIDE = Array.from({ length: 40 }, (_, i) => ({
  phone: `1390000${String(i).padStart(4, "0")}`,
  lon: 116.452 + (i % 8) * 0.003,
  lat: 39.902 + Math.floor(i / 8) * 0.005,
}));
const OUTSIDE = Array.from({ length: 10 }, (_, i) => ({
  phone: `1380000${String(i).padStart(4, "0")}`,
  lon: 116.6,
  lat: 40.0 + i * 0.001,
}));

beforeAll(async () => {
  server = await startTestServer({ clock });
  // Start from a known audience: expand the demo warnings' jobs, then drop the demo subscribers.
  await runDisseminationJobs(server.ctx);
  await server.ctx.db.deleteFrom("warning_subscribers").execute();
  await gateway.start();
  await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", () => r()));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  server.ctx.channels.set(
    "email",
    emailAdapter({ smtpUrl: `smtp://127.0.0.1:${smtpPort}`, from: "预警 <noreply@fenghuo.test>" }),
  );
  const now = clock.now().toISOString();
  const sub = (
    channel: string,
    address: string,
    extra: { division_code?: string; lon?: number; lat?: number },
  ) => ({
    id: randomUUID(),
    channel,
    address,
    name: null,
    division_code: extra.division_code ?? null,
    lon: extra.lon ?? null,
    lat: extra.lat ?? null,
    cell: extra.lon !== undefined && extra.lat !== undefined ? gridCell(extra.lon, extra.lat) : null,
    created_at: now,
    unsubscribed_at: null,
  });
  await insertSubscribers(server.ctx.db, [
    ...INSIDE.map((p) => sub("sms", p.phone, p)),
    ...OUTSIDE.map((p) => sub("sms", p.phone, p)),
    sub("sms", "13700000001", { division_code: JIANWAI }),
    sub("sms", "13700000002", { division_code: `${JIANWAI}003` }),
    sub("sms", "13700000003", { division_code: WANGJING }),
    sub("email", "resident1@example.com", { division_code: JIANWAI }),
    sub("email", "resident2@example.com", { lon: 116.46, lat: 39.91 }),
    sub("email", "far@example.com", { division_code: WANGJING }),
  ]);
  // Duty contacts: the people of the units in or responsible for the area.
  await server.ctx.db
    .updateTable("users")
    .set({ phone: "13600000001" })
    .where("username", "=", "chengguan")
    .execute();
  await server.ctx.db
    .updateTable("users")
    .set({ phone: "13600000002" })
    .where("username", "=", "jianwai")
    .execute();
});
afterAll(async () => {
  await server.close();
  await gateway.stop();
  await new Promise<void>((r) => smtp.close(() => r()));
});

async function publishToPublic(clients: { staff: ApiClient; leader: ApiClient; office: ApiClient }) {
  const created = await clients.staff.post<{ id: string }>("/api/warnings", draftBody());
  const id = created.body.id;
  await clients.staff.post(`/api/warnings/${id}/propose`, {});
  await clients.leader.post(`/api/warnings/${id}/approve`, {});
  await clients.staff.post(`/api/warnings/${id}/publish`, { channels: ["inApp", "sms", "email", "public"] });
  const released = await clients.office.post<{ publicState: string }>(`/api/warnings/${id}/release`, {});
  expect(released.body.publicState).toBe("released");
  return id;
}

describe("targeting and exactly-once delivery", () => {
  it("targets subscribers by division code and by location inside the drawn shape", async () => {
    const targets = await targetSubscribers(server.ctx.db, server.ctx.dialect, [
      { divisionCodes: [JIANWAI], features: draftBody().area.features as never },
    ]);
    const addresses = new Set(targets.map((t) => t.address));
    for (const p of INSIDE) {
      expect(addresses.has(p.phone), p.phone).toBe(true);
    }
    for (const p of OUTSIDE) {
      expect(addresses.has(p.phone), p.phone).toBe(false);
    }
    expect(addresses.has("13700000001")).toBe(true); // street code
    expect(addresses.has("13700000002")).toBe(true); // a community of the street
    expect(addresses.has("13700000003")).toBe(false); // 望京
    expect(addresses.has("resident1@example.com")).toBe(true);
    expect(addresses.has("resident2@example.com")).toBe(true);
    expect(addresses.has("far@example.com")).toBe(false);
  });

  it("retries while the SMS gateway is down, keeps the warning published, then delivers each message once even when the dispatcher is killed mid-dispatch", async () => {
    const clients = {
      staff: await server.login("chengguan_staff"),
      leader: await server.login("leader"),
      office: await server.login("office"),
    };
    const id = await publishToPublic(clients);
    expect(await runDisseminationJobs(server.ctx)).toBe(1);
    const [job] = await server.ctx.db
      .selectFrom("warning_dispatch_jobs")
      .selectAll()
      .where("warning_id", "=", id)
      .execute();
    expect(job).toEqual(expect.objectContaining({ state: "done", recipients: 44 }));
    // Expanding the same job again (a crash before it was marked done) adds nothing.
    await server.ctx.db
      .updateTable("warning_dispatch_jobs")
      .set({ state: "pending" })
      .where("warning_id", "=", id)
      .execute();
    await runDisseminationJobs(server.ctx);
    const rows = await server.ctx.db
      .selectFrom("outbox")
      .select(["channel", "recipient", "dedupe_key"])
      .where("source_id", "=", id)
      .execute();
    const sms = rows.filter((r) => r.channel === "sms");
    const expectedPhones = new Set([
      ...INSIDE.map((p) => p.phone),
      "13700000001",
      "13700000002",
      "13600000001",
      "13600000002",
    ]);
    expect(new Set(sms.map((r) => r.recipient))).toEqual(expectedPhones);
    expect(sms.length).toBe(expectedPhones.size);
    expect(new Set(rows.filter((r) => r.channel === "email").map((r) => r.recipient))).toEqual(
      new Set(["resident1@example.com", "resident2@example.com"]),
    );

    // The gateway is down: every attempt fails, nothing is lost, the warning stays published.
    server.ctx.channels.set("sms", smsAdapter({ endpoint: gateway.url, ratePerSecond: 10_000 }));
    gateway.mode = "down";
    await server.ctx.scheduler.runOnce(server.ctx);
    const failing = await server.ctx.db
      .selectFrom("outbox")
      .select(["state", "attempts", "last_error"])
      .where("source_id", "=", id)
      .where("channel", "=", "sms")
      .execute();
    expect(
      failing.every((r) => r.state === "pending" && r.attempts === 1 && r.last_error === "SMS gateway 503"),
    ).toBe(true);
    expect((await clients.staff.get<{ status: string }>(`/api/warnings/${id}`)).body.status).toBe(
      "published",
    );
    // E-mail went out meanwhile, once per subscriber.
    expect(
      mails
        .filter((m) => m.dedupeKey.startsWith(`w:${id}:`))
        .map((m) => m.to)
        .sort(),
    ).toEqual(["resident1@example.com", "resident2@example.com"]);
    server.ctx.channels.delete("sms");

    // Back up: a dispatcher in another process sends, and is killed with SIGKILL while answers hang.
    gateway.mode = "hang-after";
    gateway.hangAfter = 12;
    clock.advance(10_000); // past the first backoff
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(import.meta.dirname, "testdata", "dispatchChild.ts"),
        clock.now().toISOString(),
      ],
      {
        env: cliEnv(server.db, { FAKE_SMS_GATEWAY: gateway.url, FENGHUO_PLAN: "chaoyang-2022" }),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let childErr = "";
    child.stderr?.on("data", (c: Buffer) => {
      childErr += c.toString();
    });
    const started = Date.now();
    while (gateway.raw.length < 20 && Date.now() - started < 30_000) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(gateway.raw.length, childErr).toBeGreaterThanOrEqual(20);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const midway = await server.ctx.db
      .selectFrom("outbox")
      .select(["state"])
      .where("source_id", "=", id)
      .where("channel", "=", "sms")
      .execute();
    expect(midway.some((r) => r.state === "sending")).toBe(true); // claimed, sent, never marked

    // A new dispatcher (this process) takes over once the dead one's lease runs out.
    gateway.mode = "ok";
    server.ctx.channels.set("sms", smsAdapter({ endpoint: gateway.url, ratePerSecond: 10_000 }));
    clock.advance(61_000);
    for (let i = 0; i < 5; i++) {
      await server.ctx.scheduler.runOnce(server.ctx);
    }
    const after = await server.ctx.db
      .selectFrom("outbox")
      .select(["state", "recipient"])
      .where("source_id", "=", id)
      .where("channel", "=", "sms")
      .execute();
    expect(after.every((r) => r.state === "sent")).toBe(true);
    // Every phone got the warning exactly once, although some messages crossed the wire twice.
    const perPhone = gateway.perPhone(id);
    expect(new Set(perPhone.keys())).toEqual(expectedPhones);
    expect([...perPhone.values()].every((n) => n === 1)).toBe(true);
    const ours = gateway.raw.filter((r) => r.id.startsWith(`w:${id}:`));
    expect(ours.length).toBeGreaterThan(perPhone.size); // resends after the crash, dropped by the gateway
    // Chinese SMS: segment counts as the gateway was told.
    expect(gateway.raw.every((r) => r.segments >= 1)).toBe(true);
    // Delivery status per channel and recipient is on the warning.
    const view = await clients.staff.get<{ deliveries: { channel: string; state: string; count: number }[] }>(
      `/api/warnings/${id}`,
    );
    expect(view.body.deliveries).toEqual(
      expect.arrayContaining([
        { channel: "sms", state: "sent", count: expectedPhones.size },
        { channel: "email", state: "sent", count: 2 },
      ]),
    );
    const list = await clients.staff.get<{ items: { channel: string; recipient: string; state: string }[] }>(
      `/api/warnings/${id}/deliveries?channel=sms&limit=500`,
    );
    expect(list.body.items).toHaveLength(expectedPhones.size);
    expect(list.body.items[0]?.recipient).toMatch(/^1\d\d\*\*\*\*\d{4}$/);
  }, 90_000);
});
