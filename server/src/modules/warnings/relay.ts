/**
 * Relay drafts from upper-level CAP alerts (000 §3.3.1 第1项 市级预警转发): the alert is parsed and
 * checked (cap/import.ts), then becomes a draft the relaying unit completes, has signed off by the
 * authority for its colour, and relays. Shapes inside the district are kept; the upper level's own
 * areas are recorded in `source` for reference.
 */
import type { WarningColour } from "../../../../shared/plan/schema.js";
import type { AppContext } from "../../context.js";
import { badRequest, conflict } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { type AreaShape, districtOutline, parseShapes, validateShapes } from "../geo/index.js";
import { type CapAlert, parseCap, primaryInfo } from "./cap/import.js";
import { colourForSeverity } from "./cap/mapping.js";
import type { Actor, RelaySource, WarningArea } from "./model.js";
import { unitsByIds } from "./repository.js";
import { addHistory, checkDraftInput, createWarning } from "./service.js";

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

/** Imports one CAP 1.2 alert as a relay draft; 400 for anything that is not one, 409 if already imported. */
export async function importCap(
  ctx: AppContext,
  scope: CommandScope,
  actor: Actor,
  xml: string,
  issuingUnitId: string | undefined,
): Promise<{ id: string; alert: CapAlert }> {
  const parsed = parseCap(xml);
  if (!parsed.ok) {
    throw badRequest(parsed.detail, parsed.errors);
  }
  const alert = parsed.alert;
  await checkDraftInput(ctx, scope.trx, { issuingUnitId }, actor);
  const existing = await scope.trx
    .selectFrom("warnings")
    .select(["id", "source"])
    .where("origin", "=", "relayed")
    .where("source", "like", `%"identifier":${JSON.stringify(alert.identifier)}%`)
    .execute();
  const same = existing.find((w) => {
    const s = JSON.parse(w.source ?? "{}") as RelaySource;
    return s.identifier === alert.identifier && s.sender === alert.sender;
  });
  if (same) {
    throw conflict(`该上级预警已导入（${alert.sender} ${alert.identifier}）`, { warningId: same.id });
  }
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
  const known = await unitsByIds(
    scope.trx,
    geocodes.filter((g) => /^[0-9]{9,12}$/.test(g)),
  );
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
  // A references match links an update or cancellation to the relay already in the system.
  let refersTo: string | undefined;
  for (const ref of alert.references) {
    const prior = await scope.trx
      .selectFrom("warnings")
      .select(["id", "source", "version"])
      .where("origin", "=", "relayed")
      .where("source", "like", `%${ref.identifier}%`)
      .executeTakeFirst();
    if (prior) {
      refersTo = prior.id;
      await addHistory(scope, { id: prior.id, version: prior.version }, "upstream_update", actor, {
        msgType: alert.msgType,
        identifier: alert.identifier,
      });
    }
  }
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
    ...(refersTo ? { refersTo } : {}),
    ...(colour ? {} : { colourUndetermined: true }),
    ...(candidates.length > inside.length ? { droppedShapes: candidates.length - inside.length } : {}),
  };
  const title = (info?.headline ?? info?.event ?? alert.note ?? `上级预警 ${alert.identifier}`).slice(0, 80);
  const subtypeId = guessSubtype(ctx, `${info?.event ?? ""} ${info?.headline ?? ""}`);
  const english = alert.infos.find((i) => i.language.toLowerCase().startsWith("en"));
  const id = await createWarning(
    ctx,
    scope,
    actor,
    {
      origin: "relayed",
      colour: (colour ?? "blue") as WarningColour,
      title,
      ...(subtypeId ? { subtypeId } : {}),
      ...(issuingUnitId ? { issuingUnitId } : {}),
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
    },
    { source, area },
  );
  return { id, alert };
}
