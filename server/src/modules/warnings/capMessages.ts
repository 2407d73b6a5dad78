/** The CAP 1.2 messages of a warning (Alert, Update, Cancel): one row each, immutable, with its XML. */
import { randomUUID } from "node:crypto";
import { beijingIso } from "../../../../shared/beijingTime.js";
import type { WarningColour } from "../../../../shared/plan/schema.js";
import type { AppContext } from "../../context.js";
import { conflict } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { findSubtype } from "../plans/index.js";
import { buildCapXml } from "./cap/export.js";
import { capIdentifier, orgCode } from "./cap/mapping.js";
import type { CapSnapshot } from "./capSnapshot.js";
import { areaOf, contentOf, sourceOf } from "./model.js";
import { governedBy } from "./publicationRules.js";
import {
  countIdentifiers,
  insertMessage,
  listMessages,
  snapshotColumn,
  type WarningRow,
} from "./repository.js";
import type { WarningMessageTable } from "./tables.js";

/** Names for a CAP snapshot: subtype, issuing unit, area divisions. */
async function snapshotOf(ctx: AppContext, row: WarningRow): Promise<CapSnapshot> {
  const area = areaOf(row);
  const units = await ctx.units.many([row.issuing_unit_id, ...area.divisionCodes]);
  const name = (id: string) => units.find((u) => u.id === id)?.name ?? id;
  const source = sourceOf(row);
  const governed = governedBy(ctx.plan.profile, row.subtype_id);
  return {
    title: row.title,
    colour: row.colour as WarningColour,
    subtypeId: row.subtype_id,
    subtypeName: row.subtype_id
      ? (findSubtype(ctx.plan.profile, row.subtype_id)?.subtype.name ?? null)
      : null,
    issuerName: name(row.issuing_unit_id),
    onsetAt: row.onset_at,
    expiresAt: row.expires_at,
    content: contentOf(row),
    area,
    areaNames: area.divisionCodes.map(name),
    ...(governed ? { governedBy: governed } : {}),
    ...(source
      ? { relayOf: { sender: source.sender, identifier: source.identifier, sent: source.sent } }
      : {}),
  };
}

/** Writes one CAP message (Alert / Update / Cancel) with a GB/T 35965.1 identifier. */
export async function emitMessage(
  ctx: AppContext,
  scope: CommandScope,
  row: WarningRow,
  msgType: "Alert" | "Update" | "Cancel",
  capScope: "Public" | "Restricted",
  note?: string,
): Promise<WarningMessageTable> {
  const previous = await listMessages(scope.trx, row.id);
  const unitCode = orgCode(ctx.plan.org, row.issuing_unit_id);
  const districtCode = ctx.plan.profile.meta.district.code;
  // GB/T 35965.1 has one sequence digit per second of entry: a full second moves on to the next one.
  let identifier: string | undefined;
  for (let shift = 0; identifier === undefined && shift < 600; shift++) {
    const at = new Date(scope.now.getTime() + shift * 1000);
    const prefix = capIdentifier({ divisionCode: districtCode, orgCode: unitCode, at, sequence: 0 }).slice(
      0,
      -1,
    );
    const n = await countIdentifiers(scope.trx, prefix);
    if (n <= 9) {
      identifier = `${prefix}${n}`;
    }
  }
  if (identifier === undefined) {
    throw conflict("该单位短时间内的预警消息过多，请稍后重试");
  }
  const sender = `${districtCode}${unitCode}@fenghuo`;
  // Public consumers only know public messages; internal ones reference the whole chain.
  const references = previous
    .filter((m) => capScope === "Restricted" || m.scope === "Public")
    .map((m) => ({ sender: m.sender, identifier: m.identifier, sent: beijingIso(m.sent_at) }));
  const snapshot = await snapshotOf(ctx, row);
  const xml = buildCapXml(ctx.plan.profile, snapshot, {
    identifier,
    sender,
    sent: scope.now,
    msgType,
    scope: capScope,
    references: msgType === "Alert" ? [] : references,
    ...(note ? { note } : {}),
  });
  const message: WarningMessageTable = {
    id: randomUUID(),
    warning_id: row.id,
    seq: previous.length + 1,
    identifier,
    sender,
    msg_type: msgType,
    scope: capScope,
    version: row.version,
    colour: row.colour,
    sent_at: scope.now.toISOString(),
    snapshot: snapshotColumn.encode(snapshot),
    xml,
  };
  await insertMessage(scope.trx, message);
  return message;
}
