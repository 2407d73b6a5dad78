import { type Static, Type } from "typebox";
import {
  DEADLINE_STATES,
  FIGURE_KEYS,
  FRACTIONAL_FIGURES,
  INCIDENT_STATUSES,
  SOURCE_CHANNELS,
} from "../../../../shared/incidents.js";
import { INCIDENT_FLAGS } from "../../../../shared/plan/schema.js";
import { PageQuery } from "../../http/pagination.js";
import { Named, Nullable } from "../../http/schemaParts.js";

const Iso = Type.String({ format: "date-time", description: "ISO 8601 with offset" });
const literalUnion = <const T extends readonly string[]>(values: T) => Type.Enum(values);

/** Counts are whole people/households; money, area and magnitude may be fractional. All ≥ 0. */
const FIGURE_PROPS = Object.fromEntries(
  FIGURE_KEYS.map((k) => [
    k,
    Type.Optional(
      FRACTIONAL_FIGURES.includes(k) ? Type.Number({ minimum: 0 }) : Type.Integer({ minimum: 0 }),
    ),
  ]),
);
export const Figures = Type.Object(FIGURE_PROPS, { additionalProperties: false });

export const Location = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
  },
  { additionalProperties: false },
);

export const RegisterBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    subtypeId: Type.String({ minLength: 1, maxLength: 64 }),
    occurredAt: Iso,
    /** Defaults to now (the duty officer registers as the call comes in). */
    receivedAt: Type.Optional(Iso),
    sourceChannel: literalUnion(SOURCE_CHANNELS),
    sourceDetail: Type.Optional(Type.String({ maxLength: 200 })),
    divisionCode: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
    address: Type.Optional(Type.String({ maxLength: 300 })),
    location: Type.Optional(Location),
    figures: Type.Optional(Figures),
    flags: Type.Optional(Type.Array(literalUnion(INCIDENT_FLAGS), { uniqueItems: true })),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
    /** The reporter's first assessment (初判); the office confirms or changes it. */
    level: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    reporterName: Type.Optional(Type.String({ maxLength: 64 })),
    reporterPhone: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

export const LevelBody = Type.Object(
  {
    level: Type.String({ minLength: 1, maxLength: 32 }),
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
  },
  { additionalProperties: false },
);
export type LevelBody = Static<typeof LevelBody>;

export const VerifyBody = Type.Object(
  {
    verifiedAt: Type.Optional(Iso),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type VerifyBody = Static<typeof VerifyBody>;

/** A leader approves the report to the upper level (000 §4.1 报请区应急委相关领导批准后). */
export const UpwardApprovalBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
export type UpwardApprovalBody = Static<typeof UpwardApprovalBody>;

export const ReportBody = Type.Object(
  {
    kind: Type.Union([Type.Literal("initial"), Type.Literal("continuing"), Type.Literal("final")]),
    /** Required field id (profile reporting.requiredFields) → text. */
    fields: Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 5000 })),
    /** 报送单位; defaults to the filer's unit. */
    unitName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type ReportBody = Static<typeof ReportBody>;

export const InstructionBody = Type.Object(
  {
    leader: Type.String({ minLength: 1, maxLength: 100 }),
    content: Type.String({ minLength: 1, maxLength: 5000 }),
    instructedAt: Type.Optional(Iso),
    relayTo: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type InstructionBody = Static<typeof InstructionBody>;

export const FeedbackBody = Type.Object(
  {
    channel: Type.Union([Type.Literal("phone"), Type.Literal("written")]),
    content: Type.String({ minLength: 1, maxLength: 5000 }),
  },
  { additionalProperties: false },
);
export type FeedbackBody = Static<typeof FeedbackBody>;

export const MergeBody = Type.Object(
  {
    into: Type.String({ minLength: 1, maxLength: 36 }),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type MergeBody = Static<typeof MergeBody>;

export const ListQuery = Type.Object(
  {
    status: Type.Optional(literalUnion(INCIDENT_STATUSES)),
    level: Type.Optional(Type.String({ maxLength: 32 })),
    subtype: Type.Optional(Type.String({ maxLength: 64 })),
    division: Type.Optional(Type.String({ maxLength: 16 })),
    from: Type.Optional(Iso),
    to: Type.Optional(Iso),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

export const DeadlineQuery = Type.Object(
  {
    state: Type.Optional(literalUnion(DEADLINE_STATES)),
    incidentId: Type.Optional(Type.String({ maxLength: 36 })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type DeadlineQuery = Static<typeof DeadlineQuery>;

// ---------------------------------------------------------------------------------------------
// views
// ---------------------------------------------------------------------------------------------

export const DeadlineView = Type.Object({
  id: Type.String(),
  incidentId: Type.String(),
  incidentNumber: Type.Optional(Type.String()),
  incidentTitle: Type.Optional(Type.String()),
  ruleId: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  round: Type.Integer(),
  instructionId: Nullable(Type.String()),
  dueAt: Type.String(),
  state: Type.String(),
  /** Met late: 迟报 by this many minutes; 0 = on time; null while not met. */
  lateMinutes: Nullable(Type.Integer()),
  metAt: Nullable(Type.String()),
  metBy: Nullable(Type.String()),
  overdueAt: Nullable(Type.String()),
  escalatedAt: Nullable(Type.String()),
  /** 待领导批准上报: a report answers it but awaits a leader's approval before it counts as sent. */
  awaitingApproval: Type.Boolean(),
  approvedAt: Nullable(Type.String()),
  approvedByName: Nullable(Type.String()),
  recipients: Type.Array(Type.String()),
  source: Type.String(),
});
export type DeadlineView = Static<typeof DeadlineView>;

export const SuggestionView = Type.Object({
  kind: Type.String(),
  level: Nullable(Type.String()),
  levelName: Nullable(Type.String()),
  reason: Type.String(),
  criteria: Type.Array(Type.String()),
});

export const IncidentSummary = Type.Object({
  id: Type.String(),
  number: Type.String(),
  title: Type.String(),
  categoryId: Type.String(),
  categoryName: Type.String(),
  subtypeId: Type.String(),
  subtypeName: Type.String(),
  occurredAt: Type.String(),
  receivedAt: Type.String(),
  verifiedAt: Nullable(Type.String()),
  sourceChannel: Type.String(),
  sourceDetail: Nullable(Type.String()),
  divisionCode: Nullable(Type.String()),
  divisionName: Nullable(Type.String()),
  streetCode: Nullable(Type.String()),
  address: Nullable(Type.String()),
  location: Nullable(Location),
  figures: Type.Record(Type.String(), Type.Number()),
  flags: Type.Array(Type.String()),
  description: Type.String(),
  level: Type.String(),
  levelName: Type.String(),
  levelConfirmed: Type.Boolean(),
  levelReason: Nullable(Type.String()),
  suggestedLevel: SuggestionView,
  leadDepartments: Type.Array(Named),
  cooperatingDepartments: Type.Array(Named),
  status: Type.String(),
  mergedInto: Nullable(Type.String()),
  possibleDuplicates: Type.Array(
    Type.Object({ id: Type.String(), number: Type.String(), distanceM: Nullable(Type.Number()) }),
  ),
  handlingEndedAt: Nullable(Type.String()),
  reporterName: Nullable(Type.String()),
  reporterPhone: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  deadlines: Type.Array(DeadlineView),
  allowedActions: Type.Array(Type.String()),
});
export type IncidentSummary = Static<typeof IncidentSummary>;

export const TimelineEntry = Type.Object({
  id: Type.String(),
  at: Type.String(),
  type: Type.String(),
  summary: Type.String(),
  actorId: Nullable(Type.String()),
  actorName: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
});

export const ReportView = Type.Object({
  id: Type.String(),
  incidentId: Type.String(),
  seq: Type.Integer(),
  kind: Type.String(),
  kindName: Type.String(),
  fields: Type.Record(Type.String(), Type.String()),
  addressees: Type.Array(Type.String()),
  metDeadlines: Type.Array(Type.String()),
  unitName: Type.String(),
  filedBy: Nullable(Type.String()),
  filedByName: Nullable(Type.String()),
  filedAt: Type.String(),
  documentUrl: Type.String(),
});
export type ReportView = Static<typeof ReportView>;

export const InstructionView = Type.Object({
  id: Type.String(),
  incidentId: Type.String(),
  leader: Type.String(),
  content: Type.String(),
  instructedAt: Type.String(),
  relayTo: Type.Array(Named),
  feedback: Type.Array(
    Type.Object({
      channel: Type.String(),
      content: Type.String(),
      at: Type.String(),
      by: Nullable(Type.String()),
    }),
  ),
  recordedByName: Nullable(Type.String()),
});
export type InstructionView = Static<typeof InstructionView>;

export const IncidentDetail = Type.Object({
  ...IncidentSummary.properties,
  timeline: Type.Array(TimelineEntry),
  reports: Type.Array(ReportView),
  instructions: Type.Array(InstructionView),
  mergedFrom: Type.Array(Type.Object({ id: Type.String(), number: Type.String(), title: Type.String() })),
  requiredFields: Type.Array(
    Type.Object({ id: Type.String(), name: Type.String(), auxiliary: Type.Boolean() }),
  ),
  levelChoices: Type.Array(Named),
});
export type IncidentDetail = Static<typeof IncidentDetail>;
