/**
 * Relay drafts from upper-level CAP alerts (000 §3.3.1 第1项 市级预警转发): the alert is parsed and
 * checked (cap/import.ts), then becomes a draft the relaying unit completes, has signed off by the
 * authority for its colour, and relays. Shapes inside the district are kept; the upper level's own
 * areas are recorded in `source` for reference. An upstream Update or Cancel of an alert already
 * imported is applied to its relay (upstream.ts) instead of becoming a second draft.
 */
import type { WarningColour } from "../../../../shared/plan/schema.js";
import type { AppContext } from "../../context.js";
import { badRequest, conflict } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { type AreaShape, districtOutline, parseShapes, validateShapes } from "../geo/index.js";
import { type CapAlert, parseCap, primaryInfo } from "./cap/import.js";
import { colourForSeverity } from "./cap/mapping.js";
import type { Actor, RelaySource, WarningArea } from "./model.js";
import { findRelay, insertRelay, newestReferenced } from "./repository/relays.js";
import { getWarning } from "./repository.js";
import type { WarningContent } from "./schema.js";
import { checkDraftInput, createWarning } from "./service.js";
import { applyUpstream } from "./upstream.js";

/** The subtype whose name or alias appears in the alert's event or headline (Chinese alerts). */
function guessSubtype(ctx: AppContext, text: string): string | undefined {
  let best: { id: string; length: number } | undefined;
  for (const category of ctx.plan.profile.taxonomy.categories) {
    for (const s of category.subtypes) {
      for (const name of [s.name, ...(s.aliases ?? [])]) {
        if (name.length >= 2 && text.includes(name) && (!best || name.length > best.length)) {
          best = { id: s.id, length: name.length };
        }
      }
    }
  }
  return best?.id;
}

function shapesOf(alert: CapAlert, infoIndex: number): AreaShape[] {
  const info = alert.infos[infoIndex];
  const features: unknown[] = (info?.areas ?? []).flatMap((a) => [
    ...a.polygons.map((ring) => ({
      type: "Feature",
      properties: null,
      geometry: { type: "Polygon", coordinates: [ring] },
    })),
    ...a.circles
      .filter((c) => c.radiusKm > 0)
      .map((c) => ({
        type: "Feature",
        properties: { radiusKm: c.radiusKm },
        geometry: { type: "Point", coordinates: [c.lon, c.lat] },
      })),
  ]);
  return parseShapes(features).shapes;
}

/** The relay draft an alert maps to: colour, title, subtype, period, content, district area, source. */
export interface MappedAlert {
  colour: WarningColour;
  title: string;
  subtypeId: string | undefined;
  onsetAt: string | null;
  expiresAt: string | null;
  content: WarningContent;
  area: WarningArea;
  source: RelaySource;
}

/** Maps a parsed alert onto the district (areas by geocode and shape, colour by severity). */
export async function mapAlert(ctx: AppContext, alert: CapAlert): Promise<MappedAlert> {
  const infoIndex = Math.max(
    0,
    alert.infos.findIndex((i) => i.language.toLowerCase().startsWith("zh")),
  );
  const info = primaryInfo(alert);
  const colour = info ? colourForSeverity(ctx.plan.profile, info.severity) : undefined;
  const district = ctx.plan.profile.meta.district.code;
  const outline = districtOutline(district);
  const candidates = shapesOf(alert, infoIndex);
  const inside = candidates.filter((s) => validateShapes([s], outline).length === 0);
  const geocodes = (info?.areas ?? []).flatMap((a) => a.geocodes.map((g) => g.value));
  const known = await ctx.units.many(geocodes.filter((g) => /^[0-9]{9,12}$/.test(g)));
  const area: WarningArea = {
    divisionCodes: known
      .filter((u) => ["street", "township", "community", "village"].includes(u.type))
      .map((u) => u.id),
    features: inside,
    ...(info?.areas.length
      ? {
          description: info.areas
            .map((a) => a.areaDesc)
            .join("；")
            .slice(0, 500),
        }
      : {}),
  };
  const source: RelaySource = {
    sender: alert.sender,
    identifier: alert.identifier,
    sent: alert.sent,
    msgType: alert.msgType,
    ...(info?.senderName ? { senderName: info.senderName } : {}),
    ...(info?.event ? { event: info.event } : {}),
    ...(info?.severity ? { severity: info.severity } : {}),
    languages: alert.infos.map((i) => i.language),
    areas: (info?.areas ?? []).map((a) => ({
      areaDesc: a.areaDesc,
      polygons: a.polygons.length,
      circles: a.circles.length,
      geocodes: a.geocodes.map((g) => `${g.valueName}:${g.value}`),
    })),
    references: alert.references,
    ...(colour ? {} : { colourUndetermined: true }),
    ...(candidates.length > inside.length ? { droppedShapes: candidates.length - inside.length } : {}),
  };
  const english = alert.infos.find((i) => i.language.toLowerCase().startsWith("en"));
  return {
    colour: colour ?? "blue",
    title: (info?.headline ?? info?.event ?? alert.note ?? `上级预警 ${alert.identifier}`).slice(0, 80),
    subtypeId: guessSubtype(ctx, `${info?.event ?? ""} ${info?.headline ?? ""}`),
    onsetAt: info?.onset ?? info?.effective ?? null,
    expiresAt: info?.expires ?? null,
    content: {
      ...(info?.description ? { situation: info.description.slice(0, 2000) } : {}),
      ...(info?.instruction ? { publicAdvice: info.instruction.slice(0, 2000) } : {}),
      ...(info?.contact ? { hotline: info.contact.slice(0, 40) } : {}),
      ...(info?.event ? { precautions: info.event.slice(0, 2000) } : {}),
      ...(english && english !== info
        ? {
            en: {
              ...(english.headline ? { title: english.headline.slice(0, 200) } : {}),
              ...(english.description ? { description: english.description.slice(0, 2000) } : {}),
              ...(english.instruction ? { instruction: english.instruction.slice(0, 2000) } : {}),
            },
          }
        : {}),
    },
    area,
    source,
  };
}

/**
 * Imports one CAP 1.2 message: 400 for anything that is not one, 409 if this (sender, identifier)
 * was imported before. An Update or Cancel whose `references` name a message already imported is
 * applied to that relay (`applied`); anything else becomes a relay draft.
 */
export async function importCap(
  ctx: AppContext,
  scope: CommandScope,
  actor: Actor,
  xml: string,
  issuingUnitId: string | undefined,
): Promise<{ id: string; alert: CapAlert; applied: boolean }> {
  const parsed = parseCap(xml);
  if (!parsed.ok) {
    throw badRequest(parsed.detail, parsed.errors);
  }
  const alert = parsed.alert;
  await checkDraftInput(ctx, { issuingUnitId }, actor);
  const same = await findRelay(scope.trx, alert.sender, alert.identifier);
  if (same) {
    throw conflict(`该上级预警已导入（${alert.sender} ${alert.identifier}）`, { warningId: same.warning_id });
  }
  const mapped = await mapAlert(ctx, alert);
  const relay = (warningId: string) =>
    insertRelay(scope.trx, {
      sender: alert.sender,
      identifier: alert.identifier,
      warning_id: warningId,
      msg_type: alert.msgType,
      sent: alert.sent,
      created_at: scope.now.toISOString(),
    });
  const linked =
    alert.msgType === "Update" || alert.msgType === "Cancel"
      ? await newestReferenced(scope.trx, alert.references)
      : undefined;
  if (linked) {
    const row = await getWarning(scope.trx, linked.warning_id);
    await applyUpstream(ctx, scope, actor, row, alert.msgType as "Update" | "Cancel", mapped);
    await relay(row.id);
    return { id: row.id, alert, applied: true };
  }
  const id = await createWarning(
    ctx,
    scope,
    actor,
    {
      origin: "relayed",
      colour: mapped.colour,
      title: mapped.title,
      ...(mapped.subtypeId ? { subtypeId: mapped.subtypeId } : {}),
      ...(issuingUnitId ? { issuingUnitId } : {}),
      onsetAt: mapped.onsetAt,
      expiresAt: mapped.expiresAt,
      content: mapped.content,
    },
    { source: mapped.source, area: mapped.area },
  );
  await relay(id);
  return { id, alert, applied: false };
}
