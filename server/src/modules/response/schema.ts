import { type Static, Type } from "typebox";
import {
  CHECKIN_KINDS,
  CORDON_KINDS,
  DECISION_TRIGGERS,
  RESPONSE_LIMITS,
  RESPONSE_STATES,
  TASK_STATUSES,
} from "../../../../shared/response.js";
import { PageQuery } from "../../http/pagination.js";
import { Named, Nullable } from "../../http/schemaParts.js";

const Iso = Type.String({ format: "date-time", description: "ISO 8601 with offset" });
/** A union of string literals whose static type is the literals (not `never`). */
const literalUnion = <T extends readonly string[]>(values: T) =>
  Type.Unsafe<T[number]>(Type.Union(values.map((v) => Type.Literal(v))));
const Text = (max: number, min = 1) => Type.String({ minLength: min, maxLength: max });
const Id = Type.String({ minLength: 1, maxLength: 64 });
const Phone = Type.String({ maxLength: 32 });

export const IdParams = Type.Object({ id: Type.String({ maxLength: 36 }) });

// ---------------------------------------------------------------------------------------------
// bodies
// ---------------------------------------------------------------------------------------------

export const ActivateBody = Type.Object(
  {
    /** A response level id of the active profile (response.levels[].id). */
    level: Id,
    /** Required when the grade does not map to this level (000 §4.3.1). */
    reason: Type.Optional(Text(RESPONSE_LIMITS.reason)),
  },
  { additionalProperties: false },
);
export type ActivateBody = Static<typeof ActivateBody>;

export const LevelChangeBody = Type.Object(
  { level: Id, reason: Text(RESPONSE_LIMITS.reason) },
  { additionalProperties: false },
);
export type LevelChangeBody = Static<typeof LevelChangeBody>;

export const EndBody = Type.Object(
  {
    /** 000 §4.9: handling basically complete, secondary harm basically removed. */
    summary: Type.Optional(Text(RESPONSE_LIMITS.note)),
    /** Also announce the end to the public (000 §4.9 必要时…向社会发布). */
    announcePublicly: Type.Optional(Type.Boolean()),
    /**
     * 000 §4.9 较大以上 “由启动应急响应的市属部门宣布应急结束”: the announcement being entered — the
     * city department (an external unit of the org file), when it announced, its document number.
     */
    announcement: Type.Optional(
      Type.Object(
        {
          unitId: Id,
          announcedAt: Iso,
          docNo: Text(RESPONSE_LIMITS.name),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type EndBody = Static<typeof EndBody>;

export const DecisionBody = Type.Object(
  {
    /** committeeDecision.decisions[].id of the profile. */
    decisionType: Id,
    content: Text(RESPONSE_LIMITS.note),
    trigger: literalUnion(DECISION_TRIGGERS),
    /** The unit that proposed it (trigger proposal: 区应急办 or the special HQ). */
    proposedByUnitId: Type.Optional(Id),
    /** 全会或专题会议 name, when decided in a meeting. */
    meeting: Type.Optional(Text(RESPONSE_LIMITS.name)),
    decidedAt: Type.Optional(Iso),
  },
  { additionalProperties: false },
);
export type DecisionBody = Static<typeof DecisionBody>;

const Location = Type.Object(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }) },
  { additionalProperties: false },
);

const PostRoleBody = Type.Object(
  {
    /** commandPost.roles[].id of the profile (commander, executive_commander …). */
    roleId: Id,
    holderName: Text(RESPONSE_LIMITS.name),
    userId: Type.Optional(Type.String({ maxLength: 36 })),
    phone: Type.Optional(Phone),
  },
  { additionalProperties: false },
);

export const CommandPostBody = Type.Object(
  {
    name: Text(RESPONSE_LIMITS.name),
    address: Text(300),
    location: Type.Optional(Location),
    roles: Type.Array(PostRoleBody, { minItems: 1, maxItems: 20 }),
    contacts: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type CommandPostBody = Static<typeof CommandPostBody>;

const Member = Type.Object(
  {
    unitId: Type.Optional(Id),
    name: Text(RESPONSE_LIMITS.name),
    phone: Type.Optional(Phone),
  },
  { additionalProperties: false },
);

export const GroupBody = Type.Object(
  {
    /** An existing group (the profile's id or a custom one); absent = add a group named `name`. */
    groupKey: Type.Optional(Id),
    name: Type.Optional(Text(RESPONSE_LIMITS.name)),
    leaderName: Type.Optional(Type.String({ maxLength: RESPONSE_LIMITS.name })),
    leaderPhone: Type.Optional(Phone),
    members: Type.Optional(Type.Array(Member, { maxItems: 200 })),
    leadUnitIds: Type.Optional(Type.Array(Id, { maxItems: 20, uniqueItems: true })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type GroupBody = Static<typeof GroupBody>;

export const HandoverBody = Type.Object(
  {
    roleId: Id,
    toName: Text(RESPONSE_LIMITS.name),
    toUserId: Type.Optional(Type.String({ maxLength: 36 })),
    phone: Type.Optional(Phone),
    note: Type.Optional(Text(RESPONSE_LIMITS.note)),
  },
  { additionalProperties: false },
);
export type HandoverBody = Static<typeof HandoverBody>;

export const CheckinBody = Type.Object(
  {
    kind: literalUnion(CHECKIN_KINDS),
    name: Text(RESPONSE_LIMITS.name),
    unitId: Type.Optional(Id),
    quantity: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
    /** A dispatch of the resources module (res_dispatches.id), when the arrival was dispatched. */
    dispatchId: Type.Optional(Type.String({ maxLength: 64 })),
    /** The group it reports to. */
    groupKey: Type.Optional(Id),
    note: Type.Optional(Text(RESPONSE_LIMITS.note)),
    at: Type.Optional(Iso),
  },
  { additionalProperties: false },
);
export type CheckinBody = Static<typeof CheckinBody>;

const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 2 });
export const CordonBody = Type.Object(
  {
    kind: literalUnion(CORDON_KINDS),
    name: Text(RESPONSE_LIMITS.name),
    /** GeoJSON geometry, [lng, lat] positions. */
    geometry: Type.Union([
      Type.Object(
        {
          type: Type.Literal("LineString"),
          coordinates: Type.Array(Position, { minItems: 2, maxItems: RESPONSE_LIMITS.cordonVertices }),
        },
        { additionalProperties: false },
      ),
      Type.Object(
        {
          type: Type.Literal("Polygon"),
          coordinates: Type.Array(
            Type.Array(Position, { minItems: 4, maxItems: RESPONSE_LIMITS.cordonVertices }),
            { minItems: 1, maxItems: 10 },
          ),
        },
        { additionalProperties: false },
      ),
    ]),
  },
  { additionalProperties: false },
);
export type CordonBody = Static<typeof CordonBody>;

export const TaskBody = Type.Object(
  {
    title: Text(RESPONSE_LIMITS.title),
    detail: Type.Optional(Type.String({ maxLength: RESPONSE_LIMITS.note })),
    /** A working group of the post (group key); or `unitId`. */
    groupKey: Type.Optional(Id),
    unitId: Type.Optional(Id),
    dueAt: Type.Optional(Iso),
  },
  { additionalProperties: false },
);
export type TaskBody = Static<typeof TaskBody>;

export const ChecklistBody = Type.Object(
  {
    /** Due time for every task made; default none. */
    dueAt: Type.Optional(Iso),
    /** Assign all to one group or unit; default the lead department (主责部门). */
    groupKey: Type.Optional(Id),
    unitId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type ChecklistBody = Static<typeof ChecklistBody>;

export const TaskPatchBody = Type.Object(
  {
    status: Type.Optional(literalUnion(TASK_STATUSES)),
    note: Type.Optional(Text(RESPONSE_LIMITS.note)),
    dueAt: Type.Optional(Nullable(Iso)),
    groupKey: Type.Optional(Id),
    unitId: Type.Optional(Id),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type TaskPatchBody = Static<typeof TaskPatchBody>;

export const AssessmentBody = Type.Object(
  {
    causes: Type.Optional(Type.String({ maxLength: RESPONSE_LIMITS.lessons })),
    lessons: Type.Optional(Type.String({ maxLength: RESPONSE_LIMITS.lessons })),
    improvements: Type.Optional(Type.String({ maxLength: RESPONSE_LIMITS.lessons })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type AssessmentBody = Static<typeof AssessmentBody>;

export const ListQuery = Type.Object(
  { state: Type.Optional(literalUnion(RESPONSE_STATES)), ...PageQuery },
  { additionalProperties: false },
);

// ---------------------------------------------------------------------------------------------
// views
// ---------------------------------------------------------------------------------------------

const LeadUnits = Type.Array(Type.Object({ label: Type.String(), units: Type.Array(Named) }));

export const TaskView = Type.Object({
  id: Type.String(),
  title: Type.String(),
  detail: Nullable(Type.String()),
  groupId: Nullable(Type.String()),
  groupKey: Nullable(Type.String()),
  unitId: Nullable(Type.String()),
  assignee: Type.String(),
  dueAt: Nullable(Type.String()),
  status: Type.String(),
  overdue: Type.Boolean(),
  overdueAt: Nullable(Type.String()),
  measureRef: Nullable(Type.String()),
  notes: Type.Array(Type.Object({ at: Type.String(), by: Nullable(Type.String()), text: Type.String() })),
  completedAt: Nullable(Type.String()),
  createdByName: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  /** What the viewer may do with this task now (updateTask), from the response policy. */
  allowedActions: Type.Array(Type.String()),
});
export type TaskView = Static<typeof TaskView>;

export const GroupView = Type.Object({
  id: Type.String(),
  key: Type.String(),
  name: Type.String(),
  fromPlan: Type.Boolean(),
  lead: LeadUnits,
  leaderName: Nullable(Type.String()),
  leaderPhone: Nullable(Type.String()),
  members: Type.Array(
    Type.Object({ unitId: Nullable(Type.String()), name: Type.String(), phone: Nullable(Type.String()) }),
  ),
  duties: Type.Array(Type.String()),
  source: Nullable(Type.String()),
});

export const PostView = Type.Object({
  id: Type.String(),
  incidentId: Type.String(),
  name: Type.String(),
  address: Type.String(),
  lat: Nullable(Type.Number()),
  lng: Nullable(Type.Number()),
  roles: Type.Array(
    Type.Object({
      roleId: Type.String(),
      name: Type.String(),
      holderName: Type.String(),
      userId: Nullable(Type.String()),
      phone: Nullable(Type.String()),
    }),
  ),
  contacts: Type.String(),
  state: Type.String(),
  setUpByName: Nullable(Type.String()),
  createdAt: Type.String(),
  closedAt: Nullable(Type.String()),
  groups: Type.Array(GroupView),
  handovers: Type.Array(
    Type.Object({
      id: Type.String(),
      roleId: Type.String(),
      fromName: Nullable(Type.String()),
      toName: Type.String(),
      note: Nullable(Type.String()),
      at: Type.String(),
      recordedByName: Nullable(Type.String()),
    }),
  ),
  checkins: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.String(),
      name: Type.String(),
      unitId: Nullable(Type.String()),
      unitName: Nullable(Type.String()),
      quantity: Nullable(Type.Number()),
      dispatchId: Nullable(Type.String()),
      groupId: Nullable(Type.String()),
      note: Nullable(Type.String()),
      at: Type.String(),
      recordedByName: Nullable(Type.String()),
    }),
  ),
  cordons: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.String(),
      name: Type.String(),
      geometry: Type.Unsafe<Record<string, unknown>>({ type: "object", additionalProperties: true }),
      createdAt: Type.String(),
    }),
  ),
  announcement: Type.String(),
});
export type PostView = Static<typeof PostView>;

export const ResponseView = Type.Object({
  id: Type.String(),
  level: Type.String(),
  levelName: Type.String(),
  rank: Type.Number(),
  state: Type.String(),
  activatedAt: Type.String(),
  activatedByName: Nullable(Type.String()),
  activatingUnit: Named,
  specialCase: Nullable(Type.String()),
  mechanism: Nullable(Type.String()),
  upperLevelRequest: Nullable(Type.String()),
  onScene: Type.Array(Type.String()),
  endRequestedAt: Nullable(Type.String()),
  endRequestedByName: Nullable(Type.String()),
  endRequestNote: Nullable(Type.String()),
  endedAt: Nullable(Type.String()),
  endedByName: Nullable(Type.String()),
  endApprovedByName: Nullable(Type.String()),
  endSummary: Nullable(Type.String()),
  /** 000 §4.9 较大以上: the city department's announcement the end records. */
  endAnnouncement: Nullable(Type.Object({ unit: Named, announcedAt: Type.String(), docNo: Type.String() })),
  causes: Type.String(),
  lessons: Type.String(),
  improvements: Type.String(),
});
export type ResponseView = Static<typeof ResponseView>;

export const LevelChangeView = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  fromLevel: Nullable(Type.String()),
  fromName: Nullable(Type.String()),
  toLevel: Type.String(),
  toName: Type.String(),
  grade: Type.String(),
  gradeName: Type.String(),
  justified: Type.Boolean(),
  reason: Nullable(Type.String()),
  byName: Nullable(Type.String()),
  at: Type.String(),
});

export const DecisionView = Type.Object({
  id: Type.String(),
  decisionType: Type.String(),
  decisionText: Type.String(),
  content: Type.String(),
  trigger: Type.String(),
  proposedBy: Nullable(Type.String()),
  meeting: Nullable(Type.String()),
  approvedByName: Type.String(),
  approvedAs: Type.String(),
  decidedAt: Type.String(),
});
export type DecisionView = Static<typeof DecisionView>;

export const AssessmentView = Type.Object({
  id: Type.String(),
  ruleId: Type.String(),
  name: Type.String(),
  mandatory: Type.Boolean(),
  targetAt: Type.String(),
  hardCapAt: Nullable(Type.String()),
  state: Type.String(),
  overdueAt: Nullable(Type.String()),
  capOverdueAt: Nullable(Type.String()),
  submittedAt: Nullable(Type.String()),
  lead: Type.Array(Type.String()),
  recipients: Type.Array(Type.String()),
  source: Type.String(),
  gap: Nullable(Type.String()),
});

const TimelinessView = Type.Object({
  name: Type.String(),
  dueAt: Type.String(),
  metAt: Nullable(Type.String()),
  verdict: Type.String(),
  verdictLabel: Type.String(),
  minutes: Nullable(Type.Number()),
});

export const WorkspaceView = Type.Object({
  incident: Type.Object({
    id: Type.String(),
    number: Type.String(),
    title: Type.String(),
    status: Type.String(),
    grade: Type.String(),
    gradeName: Type.String(),
    categoryId: Type.String(),
    categoryName: Type.String(),
    subtypeId: Type.String(),
    subtypeName: Type.String(),
    occurredAt: Type.String(),
    receivedAt: Type.String(),
    address: Nullable(Type.String()),
    place: Type.String(),
    lat: Nullable(Type.Number()),
    lng: Nullable(Type.Number()),
    figures: Type.Record(Type.String(), Type.Number()),
    handlingEndedAt: Nullable(Type.String()),
  }),
  response: Nullable(ResponseView),
  levelChanges: Type.Array(LevelChangeView),
  decisions: Type.Array(DecisionView),
  post: Nullable(PostView),
  tasks: Type.Array(TaskView),
  assessments: Type.Array(AssessmentView),
  timeliness: Type.Array(TimelinessView),
  timeline: Type.Array(
    Type.Object({
      id: Type.String(),
      at: Type.String(),
      type: Type.String(),
      summary: Type.String(),
      actorName: Nullable(Type.String()),
    }),
  ),
  reports: Type.Array(
    Type.Object({ id: Type.String(), seq: Type.Number(), kind: Type.String(), filedAt: Type.String() }),
  ),
  dispatches: Type.Array(
    Type.Object({
      id: Type.String(),
      resourceType: Type.String(),
      resourceName: Type.String(),
      quantity: Type.Number(),
      state: Type.String(),
      lat: Nullable(Type.Number()),
      lng: Nullable(Type.Number()),
    }),
  ),
  warnings: Type.Array(
    Type.Object({
      id: Type.String(),
      title: Type.String(),
      colour: Type.String(),
      status: Type.String(),
      publishedAt: Nullable(Type.String()),
    }),
  ),
  /** What the plan offers for this incident: forms read these instead of re-implementing rules. */
  plan: Type.Object({
    levels: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        rank: Type.Number(),
        activatedBy: Type.Array(Type.String()),
        alsoWhen: Type.Array(Type.String()),
        source: Type.String(),
      }),
    ),
    expectedLevel: Nullable(Type.String()),
    decisionTypes: Type.Array(Type.Object({ id: Type.String(), no: Type.Number(), text: Type.String() })),
    decisionApplies: Type.Boolean(),
    /** Units that may propose a committee decision (000 §4.3.2: 区应急办、专项指挥部). */
    decisionProposers: Type.Array(Named),
    postRoles: Type.Array(
      Type.Object({ id: Type.String(), name: Type.String(), heldBy: Type.Array(Type.String()) }),
    ),
    groups: Type.Array(Type.Object({ key: Type.String(), name: Type.String(), lead: LeadUnits })),
    checklist: Type.Array(Type.Object({ ref: Type.String(), no: Type.Number(), text: Type.String() })),
    endBy: Type.Array(Type.String()),
    endApprovedBy: Type.Array(Type.String()),
    /** 000 §4.9: who announces the end when it is not the district (市属部门), and the units to pick. */
    endAnnouncedBy: Nullable(Type.Object({ label: Type.String(), units: Type.Array(Named) })),
    endConditions: Nullable(Type.String()),
  }),
  allowedActions: Type.Array(Type.String()),
  /** The levels the viewer may activate, upgrade to and downgrade to now (response policy). */
  levelOptions: Type.Object({
    activate: Type.Array(Type.String()),
    upgrade: Type.Array(Type.String()),
    downgrade: Type.Array(Type.String()),
  }),
});
export type WorkspaceView = Static<typeof WorkspaceView>;

export const ResponseSummary = Type.Object({
  id: Type.String(),
  incidentId: Type.String(),
  incidentNumber: Type.String(),
  incidentTitle: Type.String(),
  gradeName: Type.String(),
  subtypeName: Type.String(),
  level: Type.String(),
  levelName: Type.String(),
  state: Type.String(),
  activatedAt: Type.String(),
  endedAt: Nullable(Type.String()),
  overdueTasks: Type.Number(),
});

export const SituationDraftView = Type.Object({
  kind: Type.Literal("continuing"),
  fields: Type.Record(Type.String(), Type.String()),
  requiredFields: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
});
