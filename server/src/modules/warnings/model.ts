/** The warning row read as typed data, and the facts the rules see. */
import type { WarningColour, WarningOrigin } from "../../../../shared/plan/schema.js";
import type { PendingKind, WarningChannel, WarningStatus } from "../../../../shared/warnings.js";
import type { SessionUser } from "../../authz/principal.js";
import type { CommandScope } from "../../http/command.js";
import type { AreaShape } from "../geo/index.js";
import type { WarningRow } from "./repository.js";
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

export interface WarningArea {
  divisionCodes: string[];
  features: AreaShape[];
  description?: string;
}

/** A pending adjustment: the fields it changes. */
export interface PendingAdjust {
  reason: string;
  changes: {
    colour?: WarningColour;
    title?: string;
    expiresAt?: string;
    content?: WarningContent;
    area?: WarningArea;
  };
}

export interface RelaySource {
  sender: string;
  identifier: string;
  sent: string;
  msgType: string;
  senderName?: string;
  event?: string;
  severity?: string;
  languages: string[];
  /** Areas of the upper-level alert as it gave them (for display; the district area is set here). */
  areas: { areaDesc: string; polygons: number; circles: number; geocodes: string[] }[];
  references: { sender: string; identifier: string; sent: string }[];
  /** The relayed warning this message updates or cancels, if it was imported before. */
  refersTo?: string;
  /** The upper level gave no usable severity: a person must confirm the colour. */
  colourUndetermined?: boolean;
  droppedShapes?: number;
}

export const parseJson = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));

export const sourceOf = (row: WarningRow): RelaySource | null => parseJson<RelaySource>(row.source);

export function affectedAreasOf(row: WarningRow): string[] {
  return JSON.parse(row.affected_areas) as string[];
}

export function pendingLiftOf(row: WarningRow): { reason: string } | null {
  return row.pending_kind === "lift" ? parseJson<{ reason: string }>(row.pending_content) : null;
}

export function contentOf(row: WarningRow): WarningContent {
  return JSON.parse(row.content) as WarningContent;
}

export function areaOf(row: WarningRow): WarningArea {
  return JSON.parse(row.area) as WarningArea;
}

export function pendingAdjustOf(row: WarningRow): PendingAdjust | null {
  return row.pending_kind === "adjust" ? parseJson<PendingAdjust>(row.pending_content) : null;
}

export function channelsOf(row: WarningRow): WarningChannel[] {
  return JSON.parse(row.channels) as WarningChannel[];
}

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
    authorisedUnitIds: JSON.parse(row.authorised_unit_ids) as string[],
    publicState: row.public_state as WarningFacts["publicState"],
    pendingKind: row.pending_kind as PendingKind | null,
    pendingState: row.pending_state as WarningFacts["pendingState"],
    pendingColour: pending ? (pending.changes.colour ?? (row.colour as WarningColour)) : null,
    pendingById: row.pending_by_id,
  };
}
