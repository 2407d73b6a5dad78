/** Leaders' instructions (批示, 004): recorded, relayed to units, and their feedback clocks met. */
import { randomUUID } from "node:crypto";
import { ROLES } from "../../../../shared/roles.js";
import { authorize } from "../../authz/policy.js";
import type { AppContext } from "../../context.js";
import { notFound } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { notifyUsers } from "../notify/index.js";
import { instructionFeedbackDeadlines } from "../plans/index.js";
import { usersWithRoles } from "../users/index.js";
import { actorOf, fail, MINUTE } from "./guards.js";
import { incidentPartyCase, incidentPolicy, incidentResource } from "./policy.js";
import {
  addDeadlines,
  findInstruction,
  insertInstruction,
  markDeadlineMet,
  readDeadlines,
  requireIncident,
  setInstructionFeedback,
} from "./repository.js";
import { lateMinutes, resolveRecipients } from "./rules.js";
import { deadlineRow, publishDeadline } from "./scheduling.js";
import type { FeedbackBody, InstructionBody } from "./schema.js";
import { timelineFor } from "./timeline.js";

async function checkRelayUnits(ctx: AppContext, units: string[]): Promise<void> {
  const found = new Set((await ctx.units.many(units)).map((u) => u.id));
  const errors = units
    .map((u, i) => ({ u, i }))
    .filter(({ u }) => !found.has(u))
    .map(({ u, i }) => ({ path: `relayTo.${i}`, message: `组织单元 ${u} 不存在` }));
  if (errors.length > 0) {
    fail(errors);
  }
}

/** Records a leader's instruction, relays it to units and starts its feedback clocks (004). */
export async function recordInstruction(
  ctx: AppContext,
  scope: CommandScope,
  id: string,
  body: InstructionBody,
): Promise<string> {
  const relayTo = body.relayTo ?? [];
  await checkRelayUnits(ctx, relayTo);
  const instructedAt = body.instructedAt ? new Date(body.instructedAt) : scope.now;
  if (instructedAt.getTime() > scope.now.getTime() + 5 * MINUTE) {
    fail([{ path: "instructedAt", message: "批示时间不能晚于当前时间" }]);
  }
  const user = actorOf(scope);
  const row = await requireIncident(scope.trx, id);
  authorize(incidentPolicy, user, "recordInstruction", incidentResource(ctx.plan, row));
  const instructionId = randomUUID();
  await insertInstruction(scope.trx, {
    id: instructionId,
    incident_id: id,
    leader: body.leader,
    content: body.content,
    instructed_at: instructedAt.toISOString(),
    relay_to: relayTo,
    feedback: [],
    recorded_by: user.id,
    recorded_by_name: user.displayName,
    created_at: scope.now.toISOString(),
  });
  const feedbackDue = instructionFeedbackDeadlines(ctx.plan.profile, instructedAt);
  const rule = ctx.plan.profile.reporting.instructionFeedback ?? [];
  const partyCase = incidentPartyCase(row);
  const rows = feedbackDue.map((d, i) =>
    deadlineRow(
      id,
      {
        ruleId: `instruction_${d.channel}`,
        kind: `instruction_${d.channel}`,
        name: d.channel === "phone" ? "批示电话反馈" : "批示书面反馈",
        dueAt: d.dueAt,
        recipients: resolveRecipients(ctx.plan, rule[i]?.to ?? [], partyCase),
        source: d.source,
        round: 1,
      },
      scope.now,
      instructionId,
    ),
  );
  await addDeadlines(scope.trx, rows);
  const timeline = timelineFor(scope);
  timeline.add(id, "instruction.recorded", `${body.leader}批示：${body.content}`, { instructionId, relayTo });
  await timeline.flush(scope.trx);
  if (relayTo.length > 0) {
    const users = await usersWithRoles(scope.trx, [...ROLES], relayTo);
    await notifyUsers(scope, users, {
      title: `领导批示：${row.number}`,
      body: `${body.leader}：${body.content}`,
      link: `/duty/incidents/${id}`,
      sourceType: "incident",
      sourceId: id,
    });
  }
  await scope.audit({
    action: "incident.instruction",
    entityType: "incident",
    entityId: id,
    after: {
      instructionId,
      leader: body.leader,
      content: body.content,
      relayTo,
      deadlines: rows.map((r) => r.id),
    },
  });
  for (const r of rows) {
    publishDeadline(scope, r, "pending");
  }
  scope.publish({
    type: "instruction.recorded",
    entityType: "incident",
    entityId: id,
    data: { instructionId },
  });
  return instructionId;
}

/** Feedback on an instruction by phone or in writing; meets that channel's feedback deadline. */
export async function instructionFeedback(
  ctx: AppContext,
  scope: CommandScope,
  id: string,
  instructionId: string,
  body: FeedbackBody,
): Promise<void> {
  const user = actorOf(scope);
  const row = await requireIncident(scope.trx, id);
  const instruction = await findInstruction(scope.trx, id, instructionId);
  if (!instruction) {
    throw notFound(`批示 ${instructionId}`);
  }
  authorize(incidentPolicy, user, "feedback", incidentResource(ctx.plan, row, [instruction.relay_to]));
  const entry = {
    channel: body.channel,
    content: body.content,
    at: scope.now.toISOString(),
    by: user.displayName,
  };
  await setInstructionFeedback(scope.trx, instructionId, [...instruction.feedback, entry]);
  const rows = (await readDeadlines(scope.trx, [id])).filter(
    (r) => r.instruction_id === instructionId && r.kind === `instruction_${body.channel}`,
  );
  const timeline = timelineFor(scope);
  timeline.add(
    id,
    "instruction.feedback",
    `批示${body.channel === "phone" ? "电话" : "书面"}反馈：${body.content}`,
    {
      instructionId,
    },
  );
  for (const d of rows) {
    const late = lateMinutes(new Date(d.due_at), scope.now);
    if (await markDeadlineMet(scope.trx, d.id, entry.at, instructionId, late)) {
      timeline.add(id, "deadline.met", late > 0 ? `${d.name}：迟报 ${late} 分钟` : `${d.name}：按时反馈`, {
        deadlineId: d.id,
        lateMinutes: late,
      });
      publishDeadline(scope, d, "met");
    }
  }
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "incident.instruction_feedback",
    entityType: "incident",
    entityId: id,
    after: { instructionId, ...entry },
  });
}
