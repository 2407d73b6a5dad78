/**
 * Dissemination (issue 5 §4): every message goes out through the transactional outbox, written in
 * the transaction that publishes it. Internal audiences (the units in or responsible for the area,
 * their duty contacts, configured systems) are enqueued at once; public subscribers — possibly a
 * million — are expanded by a job the scheduler runs in batches, each batch its own transaction.
 * Dedupe keys (`w:<warning>:<message seq>:<channel>:<address>`) make every enqueue idempotent, so a
 * retried batch, a restarted job or a second instance never sends twice.
 */
import { randomUUID } from "node:crypto";
import type { WarningColour } from "../../../../shared/plan/schema.js";
import { composeSms, type WarningChannel } from "../../../../shared/warnings.js";
import type { AppContext } from "../../context.js";
import type { Db, Dialect } from "../../db/index.js";
import type { CommandScope } from "../../http/command.js";
import { runCommand } from "../../http/command.js";
import { compileShapes, shapeBbox } from "../geo/index.js";
import { enqueue, notifyUsers, type OutboundMessage } from "../notify/index.js";
import { activeUsersOfUnits } from "../users/index.js";
import type { WarningArea } from "./model.js";
import { areaOf, contentOf, responseOf } from "./model.js";
import {
  claimJobs,
  finishJob,
  insertJob,
  jobPayloadColumn,
  type SubscriberAddress,
  subscribersByKeys,
  subscribersInBbox,
  subscribersInDivisions,
  type WarningRow,
} from "./repository.js";
import { colourName, streetOf } from "./rules.js";
import type { WarningMessageTable } from "./tables.js";

const MSG_WORD: Record<string, string> = { Alert: "发布", Update: "调整", Cancel: "解除" };

/** The SMS text of a message: the drafter's own text, or one built from the content. */
export function smsTextFor(ctx: AppContext, row: WarningRow, msgType: string): string {
  const content = contentOf(row);
  const district = ctx.plan.profile.meta.district.name;
  const colour = colourName(ctx.plan.profile, row.colour as WarningColour);
  if (msgType === "Cancel") {
    return `【${district}预警】${row.title}（${colour}）已解除。`;
  }
  if (content.smsText) {
    return content.smsText;
  }
  return composeSms(
    district,
    row.title,
    msgType === "Update",
    content.publicAdvice ?? content.precautions ?? "",
    content.hotline,
  );
}

function emailBody(ctx: AppContext, row: WarningRow, msgType: string): { subject: string; body: string } {
  const c = contentOf(row);
  const colour = colourName(ctx.plan.profile, row.colour as WarningColour);
  const lines = [
    `${row.title}（${colour}，${MSG_WORD[msgType] ?? msgType}）`,
    c.precautions && `警示事项：${c.precautions}`,
    c.situation && `事态发展：${c.situation}`,
    c.governmentMeasures && `政府工作措施：${c.governmentMeasures}`,
    c.publicAdvice && `公众防御建议：${c.publicAdvice}`,
    c.hotline && `咨询电话：${c.hotline}`,
  ].filter(Boolean);
  return { subject: `【${ctx.plan.profile.meta.district.name}预警】${row.title}`, body: lines.join("\n") };
}

/** Units in or responsible for the area: issuing unit, office, streets of the area, response units. */
export function audienceUnits(ctx: AppContext, row: WarningRow, extraAreas: WarningArea[] = []): string[] {
  const office = ctx.plan.org.units.find((u) => u.type === "office")?.id ?? "office";
  const areas = [areaOf(row), ...extraAreas];
  const divisions = areas.flatMap((a) => a.divisionCodes);
  const response = responseOf(row) ?? undefined;
  const responseUnits = [...(response?.activatedBy ?? []), ...(response?.coordinates ?? [])].flatMap(
    (p) => p.unitIds,
  );
  // A special HQ is reached through the department hosting its office (000 §2.1.5).
  const hosts = responseUnits.map((u) => ctx.plan.org.units.find((x) => x.id === u)?.officeIn ?? u);
  return [...new Set([row.issuing_unit_id, office, ...divisions, ...divisions.map(streetOf), ...hosts])];
}

export interface DisseminationPlan {
  channels: WarningChannel[];
  internal: boolean;
  public: boolean;
  /** The area before an adjustment: those told before are told of the change too. */
  previousArea?: WarningArea;
}

/** Enqueues the internal deliveries of a message and schedules the public ones (same transaction). */
export async function disseminate(
  ctx: AppContext,
  scope: CommandScope,
  row: WarningRow,
  message: WarningMessageTable,
  plan: DisseminationPlan,
): Promise<{ inApp: number; enqueued: number; jobs: number }> {
  const channels = new Set(plan.channels);
  const sms = smsTextFor(ctx, row, message.msg_type);
  const mail = emailBody(ctx, row, message.msg_type);
  const key = (channel: string, address: string) => `w:${row.id}:${message.seq}:${channel}:${address}`;
  const base = { sourceType: "warning", sourceId: row.id };
  let inApp = 0;
  const out: OutboundMessage[] = [];
  if (plan.internal) {
    const units = audienceUnits(ctx, row, plan.previousArea ? [plan.previousArea] : []);
    const users = await activeUsersOfUnits(scope.trx, units);
    if (channels.has("inApp")) {
      inApp = users.length;
      await notifyUsers(
        scope,
        users.map((u) => u.id),
        {
          title: `${colourName(ctx.plan.profile, row.colour as WarningColour)}预警${MSG_WORD[message.msg_type] ?? ""}：${row.title}`,
          body: sms,
          link: `/warnings/${row.id}`,
          sourceType: "warning",
          sourceId: row.id,
        },
      );
    }
    if (channels.has("sms")) {
      // Duty contacts: the phones of the people of those units (值班联系人).
      const phones = [...new Set(users.map((u) => u.phone).filter((p): p is string => !!p))];
      for (const phone of phones) {
        out.push({
          ...base,
          channel: "sms",
          recipient: phone,
          dedupeKey: key("sms", phone),
          body: sms,
          payload: { audience: "duty" },
        });
      }
    }
    if (channels.has("webhook")) {
      for (const url of ctx.config.warnings.webhooks) {
        out.push({
          ...base,
          channel: "webhook",
          recipient: url,
          dedupeKey: key("webhook", url),
          subject: mail.subject,
          body: sms,
          payload: {
            identifier: message.identifier,
            msgType: message.msg_type,
            scope: message.scope,
            cap: message.xml,
          },
        });
      }
    }
  }
  const enqueued = await enqueue(scope.trx, scope.now, out);
  let jobs = 0;
  const subscriberChannels = (["sms", "email"] as const).filter((c) => channels.has(c));
  if (plan.public && subscriberChannels.length > 0) {
    const areas = [areaOf(row), ...(plan.previousArea ? [plan.previousArea] : [])];
    await insertJob(scope.trx, {
      id: randomUUID(),
      warning_id: row.id,
      message_id: message.id,
      kind: "subscribers",
      state: "pending",
      payload: jobPayloadColumn.encode({
        seq: message.seq,
        areas,
        channels: [...subscriberChannels],
        sms,
        mail,
      }),
      recipients: 0,
      enqueued: 0,
      lease_until: null,
      created_at: scope.now.toISOString(),
      finished_at: null,
    });
    jobs = 1;
  }
  return { inApp, enqueued, jobs };
}

/**
 * The public subscribers a warning area reaches, as keys: those registered with a division code in
 * the area (a street code also reaches its communities), and those whose location lies inside a
 * drawn shape — candidates from the spatial index, then turf's point-in-shape test. Sorted, so a
 * job resumed after a crash walks the same order.
 */
export async function targetSubscriberKeys(
  db: Db,
  dialect: Dialect,
  areas: WarningArea[],
): Promise<(number | string)[]> {
  const found = new Set<number | string>();
  const codes = [...new Set(areas.flatMap((a) => a.divisionCodes))];
  for (const key of await subscribersInDivisions(db, dialect, codes)) {
    found.add(key);
  }
  for (const area of areas) {
    if (area.features.length === 0) {
      continue;
    }
    const inside = compileShapes(area.features);
    const boxes = area.features.map(shapeBbox);
    const bbox: [number, number, number, number] = [
      Math.min(...boxes.map((b) => b[0])),
      Math.min(...boxes.map((b) => b[1])),
      Math.max(...boxes.map((b) => b[2])),
      Math.max(...boxes.map((b) => b[3])),
    ];
    for (const s of await subscribersInBbox(db, dialect, bbox)) {
      if (!found.has(s.key) && inside(s.lon, s.lat)) {
        found.add(s.key);
      }
    }
  }
  return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The targeted subscribers with their addresses (keys, then addresses in batches). */
export async function targetSubscribers(
  db: Db,
  dialect: Dialect,
  areas: WarningArea[],
): Promise<SubscriberAddress[]> {
  const keys = await targetSubscriberKeys(db, dialect, areas);
  const out: SubscriberAddress[] = [];
  for (let i = 0; i < keys.length; i += BATCH) {
    out.push(...(await subscribersByKeys(db, dialect, keys.slice(i, i + BATCH))));
  }
  return out;
}

/**
 * Subscribers per dissemination batch: one transaction (and one fsync) each. 10,000 rows hold the
 * SQLite write lock for about a quarter of a second, short enough for the duty desk's writes.
 */
export const JOB_BATCH = 10_000;
const BATCH = JOB_BATCH;
const JOB_LEASE_MS = 5 * 60_000;

/** Sweep: expands pending dissemination jobs into outbox rows, batch by batch. */
export async function runDisseminationJobs(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const jobs = await claimJobs(
    ctx.db,
    ctx.dialect,
    now.toISOString(),
    new Date(now.getTime() + JOB_LEASE_MS).toISOString(),
    5,
  );
  for (const job of jobs) {
    const payload = jobPayloadColumn.decode(job.payload);
    const keys = await targetSubscriberKeys(ctx.db, ctx.dialect, payload.areas);
    let enqueued = 0;
    let targeted = 0;
    for (let i = 0; i < keys.length; i += BATCH) {
      const subscribers = (await subscribersByKeys(ctx.db, ctx.dialect, keys.slice(i, i + BATCH))).filter(
        (t) => payload.channels.includes(t.channel as "sms" | "email"),
      );
      targeted += subscribers.length;
      const batch = subscribers.map(
        (t): OutboundMessage => ({
          channel: t.channel,
          recipient: t.address,
          dedupeKey: `w:${job.warning_id}:${payload.seq}:${t.channel}:${t.address}`,
          ...(t.channel === "email"
            ? { subject: payload.mail.subject, body: payload.mail.body }
            : { body: payload.sms }),
          payload: { audience: "public", subscriber: t.id },
          sourceType: "warning",
          sourceId: job.warning_id,
        }),
      );
      enqueued += await ctx.db.transaction().execute((trx) => enqueue(trx, ctx.clock.now(), batch));
    }
    await runCommand(ctx, { id: `job:${job.id}` }, async (scope) => {
      await finishJob(scope.trx, job.id, {
        state: "done",
        recipients: targeted,
        enqueued: job.enqueued + enqueued,
        lease_until: null,
        finished_at: scope.now.toISOString(),
      });
      await scope.audit({
        action: "warning.disseminate",
        entityType: "warning",
        entityId: job.warning_id,
        after: { message: payload.seq, subscribers: targeted, enqueued },
      });
    });
  }
  return jobs.length;
}
