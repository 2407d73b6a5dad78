/**
 * One codec per JSON column of the warnings tables (db/json.ts): services and presenters read and
 * write typed values through these, never `JSON.parse` of a column. Shapes checked in detail
 * elsewhere (GeoJSON by modules/geo, the response by the plan rules) are checked here only as
 * objects, so a decode stays cheap on the hot paths (lists, dissemination).
 */
import { type Static, type TSchema, Type } from "typebox";
import { WARNING_CHANNELS, type WarningChannel } from "../../../../../shared/warnings.js";
import { jsonColumn } from "../../../db/json.js";
import type { AreaShape } from "../../geo/index.js";
import type { CapSnapshot } from "../capSnapshot.js";
import type { WarningResponse } from "../publicationRules.js";
import { Colour, ContentSchema } from "../schema.js";

const loose = <T>(description: string) =>
  Type.Unsafe<T>(Type.Object({}, { additionalProperties: true, description }));

const Strings = Type.Array(Type.String());

const AreaColumn = Type.Object({
  divisionCodes: Strings,
  features: Type.Array(loose<AreaShape>("GeoJSON shape (checked by modules/geo when drawn)")),
  description: Type.Optional(Type.String()),
});
export type WarningArea = Static<typeof AreaColumn>;

const Upstream = Type.Object({ identifier: Type.String(), sent: Type.String(), at: Type.String() });

const RelaySourceColumn = Type.Object({
  sender: Type.String(),
  identifier: Type.String(),
  sent: Type.String(),
  msgType: Type.String(),
  senderName: Type.Optional(Type.String()),
  event: Type.Optional(Type.String()),
  severity: Type.Optional(Type.String()),
  languages: Strings,
  /** Areas of the upper-level alert as it gave them (for display; the district area is set here). */
  areas: Type.Array(
    Type.Object({
      areaDesc: Type.String(),
      polygons: Type.Number(),
      circles: Type.Number(),
      geocodes: Strings,
    }),
  ),
  references: Type.Array(
    Type.Object({ sender: Type.String(), identifier: Type.String(), sent: Type.String() }),
  ),
  /** The relayed warning this message updates or cancels, if it was imported before (before 0009). */
  refersTo: Type.Optional(Type.String()),
  /** The upper level gave no usable severity: a person must confirm the colour. */
  colourUndetermined: Type.Optional(Type.Boolean()),
  droppedShapes: Type.Optional(Type.Number()),
  /** The upper level cancelled its alert (a published relay still needs the district's lift). */
  upstreamCancelled: Type.Optional(Upstream),
  /** The upper level updated its alert (a published relay still needs the district's adjustment). */
  upstreamUpdated: Type.Optional(Upstream),
});
export type RelaySource = Static<typeof RelaySourceColumn>;

const PendingAdjustColumn = Type.Object({
  reason: Type.String(),
  changes: Type.Object({
    colour: Type.Optional(Colour),
    title: Type.Optional(Type.String()),
    expiresAt: Type.Optional(Type.String()),
    content: Type.Optional(ContentSchema),
    area: Type.Optional(AreaColumn),
  }),
});
export type PendingAdjust = Static<typeof PendingAdjustColumn>;

const PendingLiftColumn = Type.Object({ reason: Type.String() });

const ChannelsColumn = Type.Unsafe<WarningChannel[]>(
  Type.Array(Type.Union(WARNING_CHANNELS.map((c) => Type.Literal(c)))),
);

const column = <S extends TSchema>(name: string, schema: S) => jsonColumn(name, schema);

export const contentColumn = column("warnings.content", ContentSchema);
export const areaColumn = column("warnings.area", AreaColumn);
export const affectedAreasColumn = column("warnings.affected_areas", Strings);
export const channelsColumn = column("warnings.channels", ChannelsColumn);
export const authorisedUnitsColumn = column("warnings.authorised_unit_ids", Strings);
export const sourceColumn = column("warnings.source", RelaySourceColumn);
export const pendingAdjustColumn = column("warnings.pending_content (adjust)", PendingAdjustColumn);
export const pendingLiftColumn = column("warnings.pending_content (lift)", PendingLiftColumn);
export const responseColumn = column("warnings.response", loose<WarningResponse>("000 §3.3.2 response"));
export const historyDetailColumn = column(
  "warning_history.detail",
  Type.Record(Type.String(), Type.Unknown()),
);

const JobPayloadColumn = Type.Object({
  seq: Type.Number(),
  areas: Type.Array(AreaColumn),
  channels: Type.Array(Type.Union([Type.Literal("sms"), Type.Literal("email")])),
  sms: Type.String(),
  mail: Type.Object({ subject: Type.String(), body: Type.String() }),
});
export type JobPayload = Static<typeof JobPayloadColumn>;
export const jobPayloadColumn = column("warning_dispatch_jobs.payload", JobPayloadColumn);

export const snapshotColumn = column(
  "warning_messages.snapshot",
  loose<CapSnapshot>("the warning as published in the message"),
);

export const encodeContent = contentColumn.encode;
export const encodeArea = areaColumn.encode;
export const encodeSource = sourceColumn.encode;
export const encodeChannels = (channels: readonly WarningChannel[]) => channelsColumn.encode([...channels]);
