/** The warning row read as typed data, and the facts the rules see. */
import type { WarningColour, WarningOrigin } from "../../../../shared/plan/schema.js";
import type { PendingKind, WarningChannel, WarningStatus } from "../../../../shared/warnings.js";
import type { SessionUser } from "../../authz/principal.js";
import type { CommandScope } from "../../http/command.js";
import type { WarningResponse } from "./publicationRules.js";
import {
  affectedAreasColumn,
  areaColumn,
  authorisedUnitsColumn,
  channelsColumn,
  contentColumn,
  type PendingAdjust,
  pendingAdjustColumn,
  pendingLiftColumn,
  type RelaySource,
  responseColumn,
  sourceColumn,
  type WarningArea,
  type WarningRow,
} from "./repository.js";
import type { WarningFacts } from "./rules.js";
import type { WarningContent } from "./schema.js";

/** Who performs a command: a signed-in user, or the system (sweeps, demo seeding). */
export interface Actor {
  id: string | null;
  name: string;
  unitId: string;
}

export const SYSTEM_ACTOR: Actor = { id: null, name: "系统", unitId: "office" };

export function actorOf(user: SessionUser): Actor {
  return { id: user.id, name: user.displayName, unitId: user.unitId };
}

/**
 * Every change to a warning: its hash-chained audit row, and the live event that lists and detail
 * pages follow (sent after the commit).
 */
export async function recordChange(
  scope: CommandScope,
  warningId: string,
  action: string,
  change: { before?: unknown; after?: unknown },
  data: { status: string; version?: number },
): Promise<void> {
  await scope.audit({ action, entityType: "warning", entityId: warningId, ...change });
  scope.publish({ type: "warning.changed", entityType: "warning", entityId: warningId, data });
}

/** A workflow step that moves a warning to `status`; `detail` joins the audit row's after-image. */
export function recordTransition(
  scope: CommandScope,
  row: { id: string; status: string },
  action: string,
  status: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  return recordChange(
    scope,
    row.id,
    action,
    { before: { status: row.status }, after: { status, ...detail } },
    { status },
  );
}

export type { PendingAdjust, RelaySource, WarningArea } from "./repository.js";

const orNull = <T>(text: string | null, decode: (t: string) => T): T | null =>
  text === null ? null : decode(text);

export const sourceOf = (row: WarningRow): RelaySource | null => orNull(row.source, sourceColumn.decode);

export const affectedAreasOf = (row: WarningRow): string[] => affectedAreasColumn.decode(row.affected_areas);

export const authorisedUnitsOf = (row: WarningRow): string[] =>
  authorisedUnitsColumn.decode(row.authorised_unit_ids);

export function pendingLiftOf(row: WarningRow): { reason: string } | null {
  return row.pending_kind === "lift" ? orNull(row.pending_content, pendingLiftColumn.decode) : null;
}

export function pendingAdjustOf(row: WarningRow): PendingAdjust | null {
  return row.pending_kind === "adjust" ? orNull(row.pending_content, pendingAdjustColumn.decode) : null;
}

export const contentOf = (row: WarningRow): WarningContent => contentColumn.decode(row.content);

export const areaOf = (row: WarningRow): WarningArea => areaColumn.decode(row.area);

export const channelsOf = (row: WarningRow): WarningChannel[] => channelsColumn.decode(row.channels);

export const responseOf = (row: WarningRow): WarningResponse | null =>
  orNull(row.response, responseColumn.decode);

export function factsOf(row: WarningRow): WarningFacts {
  const pending = pendingAdjustOf(row);
  return {
    id: row.id,
    origin: row.origin as WarningOrigin,
    status: row.status as WarningStatus,
    colour: row.colour as WarningColour,
    subtypeId: row.subtype_id,
    issuingUnitId: row.issuing_unit_id,
    drafterId: row.drafter_id,
    divisionCodes: areaOf(row).divisionCodes,
    authorisedUnitIds: authorisedUnitsOf(row),
    publicState: row.public_state as WarningFacts["publicState"],
    pendingKind: row.pending_kind as PendingKind | null,
    pendingState: row.pending_state as WarningFacts["pendingState"],
    pendingColour: pending ? (pending.changes.colour ?? (row.colour as WarningColour)) : null,
    pendingById: row.pending_by_id,
  };
}
