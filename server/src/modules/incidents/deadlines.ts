/**
 * The deadline sweep (issue 4 §3): deadlines are rows, not timers. Each run claims pending rows that
 * are due at the injected clock's now, marks them overdue and escalates them — in-app notices to the
 * duty officers and the office director and, through the transactional outbox, an SMS to those of
 * them with a mobile number (when an SMS gateway is configured) and a webhook message per deadline
 * (when a URL is configured) — in the same transaction as the mark and its audit row. It runs at
 * start-up too, so a server that was down when a deadline passed still marks and escalates it.
 */

import { beijingClock } from "../../../../shared/beijingTime.js";
import type { AppContext } from "../../context.js";
import { type CommandScope, runCommand } from "../../http/command.js";
import { enqueue, notifyUsers } from "../notify/index.js";
import { phonesOf, usersWithRoles } from "../users/index.js";
import {
  cancelDeadlines,
  claimDueDeadlines,
  deadlinesOf,
  findIncident,
  incidentLabels,
  updateIncident,
} from "./repository.js";
import { incidentSettings } from "./settings.js";
import { Timeline } from "./timeline.js";

/** Rows claimed per transaction: bounds memory and lock time when many fall due at once. */
const BATCH = 5_000;
/** Above this many incidents in one batch, one summary notice replaces one notice per incident. */
const PER_INCIDENT_NOTICES = 20;

const SWEEPER = { id: "sweep:incident-deadlines" };

/** Marks and escalates every due deadline; returns how many rows it handled. */
export async function sweepIncidentDeadlines(ctx: AppContext): Promise<number> {
  let total = 0;
  for (;;) {
    const handled = await runCommand(ctx, SWEEPER, async (scope) => {
      const nowIso = scope.now.toISOString();
      const claimed = await claimDueDeadlines(scope.trx, ctx.dialect, nowIso, BATCH);
      if (claimed.length === 0) {
        return 0;
      }
      const byIncident = new Map<string, typeof claimed>();
      for (const d of claimed) {
        const rows = byIncident.get(d.incident_id);
        if (rows) {
          rows.push(d);
        } else {
          byIncident.set(d.incident_id, [d]);
        }
      }
      const url = incidentSettings(ctx).escalationWebhookUrl;
      // Numbers and titles are for per-incident notices and webhook messages; a summary needs neither.
      const named = byIncident.size <= PER_INCIDENT_NOTICES || url !== undefined;
      const incidents = new Map(
        (named ? await incidentLabels(scope.trx, [...byIncident.keys()]) : []).map((i) => [i.id, i]),
      );
      const recipients = await usersWithRoles(scope.trx, ["duty_officer", "office_director"]);
      const timeline = new Timeline(scope.now, undefined);
      for (const [incidentId, rows] of byIncident) {
        const names = rows.map((r) => `${r.name}（应于 ${beijingClock(r.due_at)} 前）`).join("、");
        timeline.add(incidentId, "deadline.overdue", `超时未报：${names}，已提醒值班员和区应急办主任`, {
          deadlines: rows.map((r) => r.id),
        });
      }
      await timeline.flush(scope.trx);

      if (byIncident.size <= PER_INCIDENT_NOTICES) {
        for (const [incidentId, rows] of byIncident) {
          const incident = incidents.get(incidentId);
          await notifyUsers(scope, recipients, {
            title: `报送超时：${incident?.number ?? incidentId}`,
            body: `${incident?.title ?? ""} — ${rows.map((r) => r.name).join("、")} 已超过时限`,
            link: `/duty/incidents/${incidentId}`,
            sourceType: "incident",
            sourceId: incidentId,
          });
        }
      } else {
        await notifyUsers(scope, recipients, {
          title: `报送超时：${byIncident.size} 起事件的 ${claimed.length} 项时限`,
          body: "请在值班台查看超时清单并尽快补报",
          link: "/duty?deadlines=overdue",
          sourceType: "incident_deadlines",
          sourceId: nowIso,
        });
      }

      // One SMS per person per batch, however many deadlines it holds: a phone is not a list. Only with
      // a gateway: a message queued for one configured later would arrive long after it mattered.
      if (ctx.channels.has("sms")) {
        const [only] = byIncident.size === 1 ? [...byIncident] : [];
        const incident = only ? incidents.get(only[0]) : undefined;
        const text = only
          ? `【烽火】报送超时：${incident?.number ?? only[0]} ${incident?.title ?? ""}，${only[1].map((r) => r.name).join("、")}已超过时限，请尽快补报。`
          : `【烽火】报送超时：${byIncident.size} 起事件的 ${claimed.length} 项时限已超过，请在值班台查看并补报。`;
        await enqueue(
          scope.trx,
          scope.now,
          (await phonesOf(scope.trx, recipients)).map((p) => ({
            channel: "sms",
            recipient: p.phone,
            // The first row of a batch is claimed once: with the person, it names this message.
            dedupeKey: `incident-deadlines:${claimed[0]?.id}:sms:${p.id}`,
            subject: "报送超时",
            body: text,
            payload: { deadlines: claimed.length, incidents: byIncident.size, overdueAt: nowIso },
            sourceType: "incident_deadlines",
            sourceId: nowIso,
          })),
        );
      }

      if (url) {
        await enqueue(
          scope.trx,
          scope.now,
          claimed.map((d) => {
            const incident = incidents.get(d.incident_id);
            return {
              channel: "webhook",
              recipient: url,
              dedupeKey: `incident-deadline:${d.id}:overdue`,
              subject: `报送超时：${incident?.number ?? d.incident_id} ${d.name}`,
              body: `${incident?.number ?? ""} ${incident?.title ?? ""}：${d.name}应于 ${d.due_at} 前完成，已超时。`,
              payload: {
                incidentId: d.incident_id,
                incidentNumber: incident?.number ?? null,
                deadlineId: d.id,
                kind: d.kind,
                dueAt: d.due_at,
                overdueAt: nowIso,
              },
              sourceType: "incident",
              sourceId: d.incident_id,
            };
          }),
        );
      }

      // One audit row per batch lists every deadline it marked: the same transaction, one hash link.
      await scope.audit({
        action: "incident.deadlines_overdue",
        entityType: "incident_deadlines",
        entityId: nowIso,
        after: {
          // Ids by incident: the rows themselves keep kind and due time.
          deadlines: Object.fromEntries(
            [...byIncident].map(([incidentId, rows]) => [incidentId, rows.map((r) => r.id)]),
          ),
        },
      });
      if (byIncident.size <= 200) {
        for (const d of claimed) {
          scope.publish({
            type: "deadline.state",
            entityType: "incident",
            entityId: d.incident_id,
            data: { deadlineId: d.id, kind: d.kind, name: d.name, state: "overdue", dueAt: d.due_at },
          });
        }
      } else {
        scope.publish({
          type: "deadline.state",
          entityType: "incident",
          entityId: "*",
          data: { state: "overdue", count: claimed.length },
        });
      }
      return claimed.length;
    });
    total += handled;
    if (handled < BATCH) {
      return total;
    }
  }
}

/**
 * Handling of an incident has ended (its response ended, 000 §4.9): continuing reports stop (000
 * §4.1 续报…直到应急处置结束). Records the end once and cancels the pending continuing deadlines;
 * returns the ids cancelled. Other modules call this instead of touching the deadline rows.
 */
export async function endReporting(scope: CommandScope, incidentId: string): Promise<string[]> {
  const now = scope.now.toISOString();
  const incident = await findIncident(scope.trx, incidentId);
  if (!incident) {
    return [];
  }
  await updateIncident(scope.trx, incidentId, {
    handling_ended_at: incident.handling_ended_at ?? now,
    updated_at: now,
  });
  const continuing = (await deadlinesOf(scope.trx, [incidentId])).filter(
    (d) => d.kind === "continuing" && d.state === "pending",
  );
  const cancelled = await cancelDeadlines(
    scope.trx,
    continuing.map((d) => d.id),
  );
  for (const d of continuing.filter((x) => cancelled.includes(x.id))) {
    scope.publish({
      type: "deadline.state",
      entityType: "incident",
      entityId: incidentId,
      data: { deadlineId: d.id, kind: d.kind, name: d.name, state: "cancelled", dueAt: d.due_at },
    });
  }
  return cancelled;
}
