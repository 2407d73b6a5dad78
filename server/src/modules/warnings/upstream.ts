/**
 * An upstream Update or Cancel of an alert already relayed (000 §3.3.1 第1项: the relay follows the
 * city's alert). Before publication the relay draft simply follows it: a Cancel withdraws the draft,
 * an Update replaces its content. Once published, only the district's own authority may adjust or
 * lift it (第5项; 转发预警解除按同等权限执行): the change is recorded on the warning and the people
 * who hold that authority are asked to act.
 */
import type { AppContext } from "../../context.js";
import type { CommandScope } from "../../http/command.js";
import { notifyUsers } from "../notify/index.js";
import { usersFilling } from "../users/index.js";
import { type Actor, factsOf, recordChange, recordTransition, sourceOf } from "./model.js";
import { stepRequirement } from "./policy.js";
import type { MappedAlert } from "./relay.js";
import { encodeArea, encodeContent, encodeSource, type WarningRow } from "./repository.js";
import { addHistory, applyChange } from "./service.js";

const UNPUBLISHED = ["draft", "proposed", "submitted", "approved"];

/** Applies an upstream Update/Cancel to the relayed warning it references. */
export async function applyUpstream(
  ctx: AppContext,
  scope: CommandScope,
  actor: Actor,
  row: WarningRow,
  msgType: "Update" | "Cancel",
  mapped: MappedAlert,
): Promise<void> {
  const upstream = {
    identifier: mapped.source.identifier,
    sent: mapped.source.sent,
    at: scope.now.toISOString(),
  };
  const previous = sourceOf(row) ?? mapped.source;
  const detail = { msgType, identifier: upstream.identifier, sent: upstream.sent };
  if (msgType === "Cancel") {
    const source = encodeSource({ ...previous, upstreamCancelled: upstream });
    if (UNPUBLISHED.includes(row.status)) {
      const next = await applyChange(scope, row, {
        status: "lifted",
        ended_at: upstream.at,
        source,
      });
      await addHistory(scope, next, "withdraw", actor, detail);
      await recordTransition(scope, row, "warning.withdraw", "lifted", detail);
      return;
    }
    const next = await applyChange(scope, row, { source });
    await addHistory(scope, next, "upstream_cancel", actor, detail);
    await recordChange(scope, row.id, "warning.upstream.cancel", { after: detail }, { status: row.status });
    if (row.status === "published") {
      await askAuthority(ctx, scope, next, "lift", `上级已取消预警，请解除：${row.title}`);
    }
    return;
  }
  if (UNPUBLISHED.includes(row.status)) {
    // A proposal or approval was of the content the city has now replaced: it goes back to draft.
    const next = await applyChange(scope, row, {
      status: "draft",
      approved_by_id: null,
      approved_by_name: null,
      approved_at: null,
      colour: mapped.colour,
      title: mapped.title,
      subtype_id: mapped.subtypeId ?? row.subtype_id,
      onset_at: mapped.onsetAt ? new Date(mapped.onsetAt).toISOString() : null,
      expires_at: mapped.expiresAt ? new Date(mapped.expiresAt).toISOString() : null,
      content: encodeContent(mapped.content),
      area: encodeArea(mapped.area),
      source: encodeSource({ ...mapped.source, upstreamUpdated: upstream }),
    });
    await addHistory(scope, next, "upstream_update", actor, { ...detail, applied: true, was: row.status });
    await recordChange(
      scope,
      row.id,
      "warning.upstream.update",
      { before: { colour: row.colour, title: row.title }, after: { colour: next.colour, title: next.title } },
      { status: row.status },
    );
    return;
  }
  const next = await applyChange(scope, row, {
    source: encodeSource({ ...previous, upstreamUpdated: upstream }),
  });
  await addHistory(scope, next, "upstream_update", actor, { ...detail, applied: false });
  await recordChange(scope, row.id, "warning.upstream.update", { after: detail }, { status: row.status });
  if (row.status === "published") {
    await askAuthority(ctx, scope, next, "adjust", `上级预警有更新，请调整：${row.title}`);
  }
}

/** Notifies the users who fill the step's authority for this warning. */
async function askAuthority(
  ctx: AppContext,
  scope: CommandScope,
  row: WarningRow,
  step: "lift" | "adjust",
  title: string,
): Promise<void> {
  const requirement = stepRequirement({ plan: ctx.plan, facts: factsOf(row) }, step);
  const users = await usersFilling(scope.trx, ctx.plan, requirement.parties, requirement.case);
  await notifyUsers(
    scope,
    users.map((u) => u.id),
    { title, body: row.title, link: `/warnings/${row.id}`, sourceType: "warning", sourceId: row.id },
  );
}
