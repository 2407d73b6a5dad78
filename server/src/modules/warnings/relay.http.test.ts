/**
 * Upstream Updates and Cancels of a relayed city alert (000 §3.3.1 第1项), over HTTP with CAP files:
 * exact (sender, identifier) references, applied to the relay draft before publication, and asked of
 * the district's own authority (lift, adjust) once it is published.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, startTestServer, type TestServer } from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";
import { runCommand } from "../../http/command.js";
import { usersFilling } from "../users/index.js";
import { factsOf, SYSTEM_ACTOR } from "./model.js";
import { stepRequirement } from "./policy.js";
import { publishWarning } from "./publication.js";
import { getWarning } from "./repository.js";
import { approveWarning } from "./service.js";

const TEMPLATE = fs.readFileSync(path.join(import.meta.dirname, "testdata/cap/city-gale.xml"), "utf8");
const SENDER = "bjmb@cma.gov.cn";

/** A CAP message of the city's gale alert: Alert, or an Update/Cancel referencing earlier ones. */
function cap(o: {
  identifier: string;
  msgType?: "Alert" | "Update" | "Cancel";
  references?: string[];
  severity?: string;
  headline?: string;
  sent?: string;
}): string {
  const refs = (o.references ?? []).map((id) => `${SENDER},${id},2026-11-27T10:00:00+08:00`).join(" ");
  return TEMPLATE.replace("IDENTIFIER", o.identifier)
    .replace("SENT", o.sent ?? "2026-11-27T10:00:00+08:00")
    .replace("MSGTYPE", o.msgType ?? "Alert")
    .replace("REFERENCES", refs ? `<references>${refs}</references>` : "")
    .replace("SEVERITY", o.severity ?? "Minor")
    .replace("HEADLINE", o.headline ?? "北京市气象台发布大风蓝色预警");
}

interface View {
  id: string;
  status: string;
  colour: string;
  title: string;
  source: Record<string, unknown> | null;
  history: { action: string }[];
}

const clock = new ManualClock("2026-11-27T03:00:00Z");
let server: TestServer;
let office: ApiClient;
beforeAll(async () => {
  server = await startTestServer({ clock });
  office = await server.login("office_staff");
});
afterAll(() => server.close());

/** Imports as the office; `unitId` relays it for that unit (the office may draft for any). */
async function postXml(xml: string, unitId?: string) {
  clock.advance(1000);
  const res = await fetch(`${server.url}/api/cap/import${unitId ? `?unitId=${unitId}` : ""}`, {
    method: "POST",
    headers: {
      "content-type": "application/xml",
      cookie: office.cookie ?? "",
      "x-csrf-token": office.csrfToken ?? "",
    },
    body: xml,
  });
  return { status: res.status, body: (await res.json()) as View };
}

/** Completes the relay draft and publishes it through the real commands. */
async function publishRelay(id: string): Promise<void> {
  // A subtype 区城管委 answers for (燃气), so the demo department fills the relay's authority.
  const patched = await office.patch(`/api/warnings/${id}`, {
    subtypeId: "gas",
    content: {
      precautions: "大风",
      situation: "本市大部分地区有5级左右偏北风",
      governmentMeasures: "加固设施",
      publicAdvice: "远离广告牌",
      hotline: "12345",
    },
  });
  expect(patched.status).toBe(200);
  const ctx = server.ctx;
  const approver = { id: null, name: "测试签发人", unitId: "office" };
  await runCommand(ctx, { id: "t" }, async (s) =>
    approveWarning(ctx, s, approver, await getWarning(s.trx, id), undefined, true),
  );
  await runCommand(ctx, { id: "t" }, async (s) =>
    publishWarning(ctx, s, SYSTEM_ACTOR, await getWarning(s.trx, id), ["inApp"], false),
  );
}

async function noticesOf(warningId: string, title: string): Promise<string[]> {
  const rows = await server.ctx.db
    .selectFrom("notifications")
    .select(["user_id", "title"])
    .where("source_id", "=", warningId)
    .execute();
  return rows
    .filter((r) => r.title.startsWith(title))
    .map((r) => r.user_id)
    .sort();
}

async function fillers(warningId: string, step: "lift" | "adjust"): Promise<string[]> {
  const row = await getWarning(server.ctx.db, warningId);
  const r = stepRequirement({ plan: server.ctx.plan, facts: factsOf(row) }, step);
  return (await usersFilling(server.ctx.db, server.ctx.plan, r.parties, r.case)).map((u) => u.id).sort();
}

async function warningCount(): Promise<number> {
  const rows = await server.ctx.db.selectFrom("warnings").select("id").execute();
  return rows.length;
}

describe("upstream Update and Cancel of a relayed alert", () => {
  it("a Cancel withdraws the relay draft (no second draft); a re-import is refused exactly", async () => {
    const alert = await postXml(cap({ identifier: "GALE-1" }));
    expect(alert.status).toBe(201);
    const before = await warningCount();
    const cancel = await postXml(cap({ identifier: "GALE-1-C", msgType: "Cancel", references: ["GALE-1"] }));
    expect(cancel.status).toBe(200);
    expect(cancel.body.id).toBe(alert.body.id);
    expect(cancel.body.status).toBe("lifted");
    expect(cancel.body.history.at(-1)?.action).toBe("withdraw");
    expect(cancel.body.source?.upstreamCancelled).toEqual(
      expect.objectContaining({ identifier: "GALE-1-C" }),
    );
    expect(await warningCount()).toBe(before);
    const audit = await server.ctx.db
      .selectFrom("audit_log")
      .select("action")
      .where("entity_id", "=", alert.body.id)
      .execute();
    expect(audit.map((a) => a.action)).toContain("warning.withdraw");
    expect(
      (await postXml(cap({ identifier: "GALE-1-C", msgType: "Cancel", references: ["GALE-1"] }))).status,
    ).toBe(409);
  });

  it("references match exactly: a Cancel of GALE-2 does not touch GALE-20", async () => {
    const other = await postXml(cap({ identifier: "GALE-20" }));
    expect(other.status).toBe(201);
    const cancel = await postXml(cap({ identifier: "GALE-2-C", msgType: "Cancel", references: ["GALE-2"] }));
    expect(cancel.status).toBe(201);
    expect(cancel.body.id).not.toBe(other.body.id);
    expect((await office.get<View>(`/api/warnings/${other.body.id}`)).body.status).toBe("draft");
  });

  it("an Update of a relay draft replaces its content as the import maps it", async () => {
    const alert = await postXml(cap({ identifier: "GALE-3" }));
    const update = await postXml(
      cap({
        identifier: "GALE-3-U",
        msgType: "Update",
        references: ["GALE-3"],
        severity: "Moderate",
        headline: "北京市气象台将大风蓝色预警升级为黄色",
      }),
    );
    expect(update.status).toBe(200);
    expect(update.body.id).toBe(alert.body.id);
    expect(update.body.status).toBe("draft");
    expect(update.body.colour).toBe("yellow");
    expect(update.body.title).toBe("北京市气象台将大风蓝色预警升级为黄色");
    expect(update.body.source?.identifier).toBe("GALE-3-U");
    expect(update.body.history.at(-1)?.action).toBe("upstream_update");
  });

  it("a Cancel of a published relay records it and asks the lift authority; it stays published", async () => {
    const alert = await postXml(cap({ identifier: "GALE-4" }), "dept-chengguan");
    await publishRelay(alert.body.id);
    const cancel = await postXml(cap({ identifier: "GALE-4-C", msgType: "Cancel", references: ["GALE-4"] }));
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe("published");
    expect(cancel.body.source?.upstreamCancelled).toEqual(
      expect.objectContaining({ identifier: "GALE-4-C" }),
    );
    expect(cancel.body.history.at(-1)?.action).toBe("upstream_cancel");
    const asked = await noticesOf(alert.body.id, "上级已取消预警");
    expect(asked.length).toBeGreaterThan(0);
    expect(asked).toEqual(await fillers(alert.body.id, "lift"));
  });

  it("an Update of a published relay records it and asks the adjust authority; content unchanged", async () => {
    const alert = await postXml(cap({ identifier: "GALE-5" }), "dept-chengguan");
    await publishRelay(alert.body.id);
    const update = await postXml(
      cap({ identifier: "GALE-5-U", msgType: "Update", references: ["GALE-5"], severity: "Moderate" }),
    );
    expect(update.status).toBe(200);
    expect(update.body.status).toBe("published");
    expect(update.body.colour).toBe("blue");
    expect(update.body.source?.upstreamUpdated).toEqual(expect.objectContaining({ identifier: "GALE-5-U" }));
    const asked = await noticesOf(alert.body.id, "上级预警有更新");
    expect(asked.length).toBeGreaterThan(0);
    expect(asked).toEqual(await fillers(alert.body.id, "adjust"));
  });

  it("an Update referencing several imported messages follows the newest", async () => {
    const first = await postXml(cap({ identifier: "GALE-6" }));
    const second = await postXml(cap({ identifier: "GALE-7" }));
    const update = await postXml(
      cap({ identifier: "GALE-7-U", msgType: "Update", references: ["GALE-6", "GALE-7"] }),
    );
    expect(update.status).toBe(200);
    expect(update.body.id).toBe(second.body.id);
    expect(update.body.id).not.toBe(first.body.id);
  });
});
