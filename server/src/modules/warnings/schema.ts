import { type Static, Type } from "typebox";
import { WARNING_COLOURS, WARNING_ORIGINS } from "../../../../shared/plan/schema.js";
import { CONTENT_LIMITS, WARNING_CHANNELS, WARNING_STATUSES } from "../../../../shared/warnings.js";
import { Nullable } from "../../http/schemaParts.js";

const Json = (description: string) =>
  Type.Unsafe<Record<string, unknown>>({ type: "object", additionalProperties: true, description });

export const Colour = Type.Union(
  WARNING_COLOURS.map((c) => Type.Literal(c)),
  { description: "预警颜色 blue < yellow < orange < red" },
);
export const Origin = Type.Union(
  WARNING_ORIGINS.map((o) => Type.Literal(o)),
  { description: "local 本区预警；relayed 转发上级预警" },
);
export const Channel = Type.Union(WARNING_CHANNELS.map((c) => Type.Literal(c)));
const DateTime = Type.String({ format: "date-time", description: "ISO 8601，带时区" });
const Text = Type.String({ maxLength: CONTENT_LIMITS.text });

/** The content fields of 000 §3.3.1 第4项 (issuer, time, level, area and category are their own fields). */
export const ContentSchema = Type.Object(
  {
    precautions: Type.Optional(Text),
    situation: Type.Optional(Text),
    governmentMeasures: Type.Optional(Text),
    publicAdvice: Type.Optional(Text),
    hotline: Type.Optional(Type.String({ maxLength: CONTENT_LIMITS.hotline })),
    smsText: Type.Optional(Type.String({ maxLength: CONTENT_LIMITS.smsText })),
    en: Type.Optional(
      Type.Object(
        {
          title: Type.Optional(Type.String({ maxLength: 200 })),
          description: Type.Optional(Text),
          instruction: Type.Optional(Text),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type WarningContent = Static<typeof ContentSchema>;

/** GeoJSON shapes are checked in detail by modules/geo (closed, no kinks, inside the district …). */
const Feature = Type.Object(
  {
    type: Type.Literal("Feature"),
    geometry: Type.Object(
      {
        type: Type.Union([Type.Literal("Polygon"), Type.Literal("Point")]),
        coordinates: Type.Array(Type.Unknown()),
      },
      { additionalProperties: false },
    ),
    properties: Type.Optional(
      Nullable(
        Type.Object(
          { radiusKm: Type.Optional(Type.Number()), label: Type.Optional(Type.String({ maxLength: 80 })) },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

export const AreaSchema = Type.Object(
  {
    divisionCodes: Type.Array(Type.String({ pattern: "^[0-9]{9,12}$" }), {
      uniqueItems: true,
      maxItems: 500,
    }),
    features: Type.Array(Feature, { maxItems: 50 }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type WarningAreaInput = Static<typeof AreaSchema>;

const DraftFields = {
  colour: Colour,
  subtypeId: Type.String({ minLength: 1, maxLength: 64 }),
  title: Type.String({ minLength: 1, maxLength: CONTENT_LIMITS.title }),
  issuingUnitId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  onsetAt: Type.Optional(Nullable(DateTime)),
  expiresAt: Type.Optional(Nullable(DateTime)),
  content: ContentSchema,
  area: AreaSchema,
  affectsOtherAreas: Type.Optional(Type.Boolean()),
  affectedAreas: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20 })),
};

export const CreateWarningBody = Type.Object(
  { ...DraftFields, origin: Type.Optional(Origin) },
  { additionalProperties: false },
);
export type CreateWarningBody = Static<typeof CreateWarningBody>;

export const UpdateWarningBody = Type.Partial(Type.Object(DraftFields, { additionalProperties: false }), {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateWarningBody = Static<typeof UpdateWarningBody>;

export const NoteBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
export const ReasonBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
export const PublishBody = Type.Object(
  { channels: Type.Array(Channel, { minItems: 1, uniqueItems: true }) },
  { additionalProperties: false },
);
export const AuthoriseBody = Type.Object(
  { unitIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { uniqueItems: true, maxItems: 20 }) },
  { additionalProperties: false },
);
export const AdjustBody = Type.Object(
  {
    reason: Type.String({ minLength: 1, maxLength: 500 }),
    changes: Type.Object(
      {
        colour: Type.Optional(Colour),
        title: Type.Optional(Type.String({ minLength: 1, maxLength: CONTENT_LIMITS.title })),
        expiresAt: Type.Optional(DateTime),
        content: Type.Optional(ContentSchema),
        area: Type.Optional(AreaSchema),
      },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  { additionalProperties: false },
);
export type AdjustBody = Static<typeof AdjustBody>;

export const TaskBody = Type.Object(
  {
    state: Type.Union([Type.Literal("pending"), Type.Literal("in_progress"), Type.Literal("done")]),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(WARNING_STATUSES.map((s) => Type.Literal(s)))),
    inbox: Type.Optional(Type.Boolean({ description: "只看等待我处理的预警" })),
    active: Type.Optional(Type.Boolean({ description: "只看未结束的预警（草稿至已发布）" })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

const Actor = Nullable(Type.Object({ id: Nullable(Type.String()), name: Type.String() }));

export const HistoryEntry = Type.Object({
  at: Type.String(),
  action: Type.String(),
  actionName: Type.String(),
  actorName: Type.String(),
  version: Type.Integer(),
  detail: Json("动作详情"),
});

export const TaskView = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  no: Type.Integer(),
  title: Type.String(),
  unitId: Nullable(Type.String()),
  unitName: Type.String(),
  state: Type.String(),
  note: Nullable(Type.String()),
  updatedAt: Type.String(),
  updatedByName: Nullable(Type.String()),
});

export const MessageView = Type.Object({
  seq: Type.Integer(),
  identifier: Type.String(),
  msgType: Type.String(),
  scope: Type.String(),
  version: Type.Integer(),
  colour: Type.String(),
  sentAt: Type.String(),
});

export const WarningSummary = Type.Object({
  id: Type.String(),
  origin: Type.String(),
  status: Type.String(),
  statusName: Type.String(),
  colour: Type.String(),
  colourName: Type.String(),
  title: Type.String(),
  subtypeId: Nullable(Type.String()),
  subtypeName: Nullable(Type.String()),
  issuingUnitId: Type.String(),
  issuingUnitName: Type.String(),
  drafterName: Type.String(),
  version: Type.Integer(),
  publicState: Type.String(),
  pending: Nullable(Json("待批准的调整或解除")),
  awaiting: Type.Array(Type.String(), { description: "下一步由谁办理（预案规定的权限）" }),
  onsetAt: Nullable(Type.String()),
  expiresAt: Nullable(Type.String()),
  publishedAt: Nullable(Type.String()),
  endedAt: Nullable(Type.String()),
  updatedAt: Type.String(),
  allowedActions: Type.Array(Type.String()),
});

export const WarningView = Type.Object({
  ...WarningSummary.properties,
  categoryName: Nullable(Type.String()),
  drafter: Actor,
  content: Json("预警内容"),
  area: Json("影响范围：divisionCodes、features（GeoJSON）、description"),
  areaNames: Type.Array(Type.String()),
  affectsOtherAreas: Type.Boolean(),
  affectedAreas: Type.Array(Type.String()),
  channels: Type.Array(Type.String()),
  authorisedUnitIds: Type.Array(Type.String()),
  /** Who submitted (报请) the warning or its pending change to the approving leaders, and when. */
  submittedBy: Actor,
  submittedAt: Nullable(Type.String()),
  approvedBy: Actor,
  approvedAt: Nullable(Type.String()),
  releasedAt: Nullable(Type.String()),
  rejectedReason: Nullable(Type.String()),
  needsProposal: Type.Boolean(),
  governedBy: Nullable(Type.String()),
  response: Nullable(Json("预警响应（000 §3.3.2）")),
  source: Nullable(Json("转发来源（上级 CAP 预警）")),
  capSeverity: Type.String(),
  smsText: Type.String(),
  smsSegments: Type.Integer(),
  history: Type.Array(HistoryEntry),
  messages: Type.Array(MessageView),
  tasks: Type.Array(TaskView),
  deliveries: Type.Array(
    Type.Object({ channel: Type.String(), state: Type.String(), count: Type.Integer() }),
  ),
  createdAt: Type.String(),
});
export type WarningView = Static<typeof WarningView>;
export type WarningSummary = Static<typeof WarningSummary>;

export const PublicWarning = Type.Object({
  id: Type.String(),
  status: Type.String(),
  colour: Type.String(),
  colourName: Type.String(),
  title: Type.String(),
  subtypeName: Nullable(Type.String()),
  categoryName: Nullable(Type.String()),
  issuer: Type.String(),
  version: Type.Integer(),
  publishedAt: Nullable(Type.String()),
  onsetAt: Nullable(Type.String()),
  expiresAt: Nullable(Type.String()),
  endedAt: Nullable(Type.String()),
  content: Json("预警内容"),
  area: Json("影响范围"),
  areaNames: Type.Array(Type.String()),
  capIdentifier: Nullable(Type.String()),
});
export type PublicWarning = Static<typeof PublicWarning>;

export const SubscriptionBody = Type.Object(
  {
    channel: Type.Union([Type.Literal("sms"), Type.Literal("email")]),
    address: Type.String({ minLength: 3, maxLength: 200 }),
    name: Type.Optional(Type.String({ maxLength: 40 })),
    divisionCode: Type.Optional(Type.String({ pattern: "^[0-9]{9,12}$" })),
    location: Type.Optional(
      Type.Object(
        {
          lon: Type.Number({ minimum: -180, maximum: 180 }),
          lat: Type.Number({ minimum: -90, maximum: 90 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SubscriptionBody = Static<typeof SubscriptionBody>;
