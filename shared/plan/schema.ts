// schema-status: stable, released
/**
 * The plan profile (数字化预案, DESIGN §3): one YAML file per written general emergency plan.
 * This TypeBox schema is the single source of validation and of the TypeScript types every module
 * reads. Every rule object carries `source` ("000 §4.1") and may carry `gap` (how we read an
 * ambiguous or silent seed).
 *
 * Conventions:
 * - `Party[]` in a field named `by` (or `approvedBy`, `activatedBy` …) is a list of ALTERNATIVES:
 *   any one party listed may perform the action. In a field named `to` it is a list of RECIPIENTS:
 *   every party listed receives the report / filing / notification.
 * - Level references (`LevelRef`) name a grading level id (`grading.levels[].id`) or one of the two
 *   explicit states (`grading.belowLowest.id`, `grading.undetermined.id`).
 * - Unit ids refer to the org file named in `meta.orgFile`, or to division codes (GB/T 2260).
 */
import { type Static, type TProperties, Type } from "typebox";
import { ORG_UNIT_TYPES, ROLES } from "../roles.js";

// ---------------------------------------------------------------------------------------------
// Vocabularies
// ---------------------------------------------------------------------------------------------

/**
 * Scopes narrow a party to the org units relevant to the case at hand (an incident, a warning, a
 * supply request). The resolver lives in server/src/modules/plans/rules.ts.
 */
export const SCOPE_DOCS = {
  any: "任何持有该角色者，不限单位（no org restriction: anyone holding `role`）",
  own_unit:
    "办理该事项的本单位：发起、转发、上报或申请的单位（the unit performing or initiating the matter: the issuing, relaying, reporting or requesting unit）；与 role 连用表示该单位的该角色（e.g. its principal leader）",
  lead_department: "该事件子类的主责部门（lead department(s) of the subtype, taxonomy…lead）",
  cooperating_department: "该事件子类的协作部门（cooperating departments of the subtype）",
  hq: "该子类所属的区专项应急指挥部；没有时为临时应急指挥部（the special HQ of the subtype, else the temporary HQ of 000 §2.1.4）",
  hq_office:
    "该子类所属专项指挥部的办公室（the HQ office: the special_hq unit, whose office sits in its `officeIn` department）",
  responsible_unit:
    "“区相关专项应急指挥部办公室或部门”：该子类的专项指挥部办公室及主责部门（HQ office of the subtype plus its lead department(s); as an authority any of them may act, as a recipient all receive）",
  related_department:
    "相关部门／职能部门：主责、协作部门及专项指挥部办公室所在部门（lead, cooperating and HQ-office host departments of the subtype）",
  emergency_office:
    "区应急办（含总值班室、预警信息发布中心；标 excludesDutyRoom 时不含总值班室）（the district emergency office and its duty room, unless the party has `excludesDutyRoom`）",
  committee: "区应急委（the district emergency committee）",
  in_charge_of_category:
    "分管／主管该类事件的领导（with district_leader or committee_deputy_director: the leader whose portfolio covers the subtype）",
  street_in_area: "事发地属地街道（乡）办事处（street/township office of the incident location）",
  key_area_in_area: "事发地重点地区管委会（key-area committee of the incident location）",
  incident_unit: "事发单位（the unit where the incident happened）",
  activating_unit: "启动应急响应的单位（the unit that activated the current response）",
  participating_units: "参与处置的各相关单位（every unit that took part in handling）",
  affected_areas: "可能受到危害的相关地区（areas outside the district that may be affected）",
  resource_owner:
    "被调用队伍、物资的所属单位或行业主管部门（the unit that owns or supervises the team or supplies being dispatched）",
} as const;
export type Scope = keyof typeof SCOPE_DOCS;
export const SCOPES = Object.keys(SCOPE_DOCS) as Scope[];

/** Facts about an incident that rules branch on (000 §4.1, §4.3.1; 002 annex). */
export const INCIDENT_FLAG_DOCS = {
  important: "事件本身比较重要（000 §4.1）",
  key_area: "发生在重点地区（000 §4.1）",
  special_period: "发生在特殊时期（000 §4.1）",
  major_impact: "可能产生较大影响（000 §4.1）",
  foreign: "涉及外国在京机构、人员或区驻外派出机构、赴外人员（000 §4.1）",
  hk_macao_taiwan: "涉及港澳驻京机构、港澳台人员或区驻港澳派出机构、赴港澳人员（000 §4.1）",
  city_owned: "应由市属企业、行业（系统）应对和处置（000 §4.3.1）",
  may_affect_other_areas: "可能影响本区以外其他地区（000 §3.3.1 第3项）",
  dense_urban_area: "发生在人口密集的城区、城镇（002 附件 地震）",
  beyond_district_capacity: "发动全区应急力量仍不可控制，需要上级力量（000 §4.3.1）",
  outside_district: "发生在本区以外的周边邻区、地市（002 §1.5.1；附件 地震、传染病、动植物疫情）",
  protected_area: "发生在自然保护区、森林公园、风景旅游区、天然林区及其他重点林区（002 附件 森林火灾）",
  school: "发生在学校、托幼机构（002 附件 食品安全、传染病、刑事案件）",
  public_place: "发生在公共场所（002 附件 刑事案件）",
  infrastructure_interruption:
    "电力、通信、信息网络、特种设备事故或城市交通、道路交通中断（002 附件 二(一) 重特大第2项）",
} as const;
export type IncidentFlag = keyof typeof INCIDENT_FLAG_DOCS;
export const INCIDENT_FLAGS = Object.keys(INCIDENT_FLAG_DOCS) as IncidentFlag[];

/** Quantities a grading criterion can compare (002 annex). Units are in the name. */
export const METRIC_DOCS = {
  deaths: "死亡人数",
  serious_injuries: "重伤人数",
  injuries: "受伤人数",
  casualties: "伤亡人数（死亡加重伤）",
  poisoned: "中毒人数",
  infected: "感染、发病人数",
  missing: "失踪人数",
  trapped: "被困人数",
  evacuated: "需疏散转移人数",
  economic_loss_yuan: "直接经济损失（元）",
  households: "受影响户数",
  area_ha: "面积（公顷）",
  area_mu: "面积（亩）",
  area_km2: "面积（平方公里）",
  magnitude: "震级（里氏）",
  duration_hours: "持续时间（小时）",
  counties: "涉及县（市、区）数",
  towns: "涉及乡镇（街道）数",
  villages: "涉及村（社区）数",
  animals: "发病动物数（头、只）",
  incidence_ratio: "发病率与前5年同期平均水平之比",
  affected_people: "受影响人数",
} as const;
export type Metric = keyof typeof METRIC_DOCS;
export const METRICS = Object.keys(METRIC_DOCS) as Metric[];

/** When a reporting clock starts (000 §4.1: receipt vs occurrence; 002: after verification). */
export const CLOCK_STARTS = [
  "receipt",
  "occurrence",
  "verification",
  "previous_report",
  "instruction",
] as const;
export type ClockStart = (typeof CLOCK_STARTS)[number];

export const DEADLINE_KINDS = [
  "initial", // 初报
  "detailed", // 详细信息
  "immediate", // 立即报告
  "undetermined_grade", // 暂时无法判明等级 → 上级
  "continuing", // 续报
  "written", // 书面报告
  "final", // 终报
] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

/** Warning colours, lowest first: blue < yellow < orange < red (000 §3.3, 红色为最高级别). */
export const WARNING_COLOURS = ["blue", "yellow", "orange", "red"] as const;
export type WarningColour = (typeof WARNING_COLOURS)[number];

export const WARNING_ORIGINS = ["local", "relayed"] as const;
export type WarningOrigin = (typeof WARNING_ORIGINS)[number];

export const WARNING_ACTIONS = ["propose", "approve", "publish", "adjust", "lift", "file"] as const;
export type WarningAction = (typeof WARNING_ACTIONS)[number];

export const CAP_SEVERITIES = ["Extreme", "Severe", "Moderate", "Minor", "Unknown"] as const;

export const DURATION_UNITS = ["minutes", "hours", "days", "weeks", "months", "years"] as const;

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

const Id = Type.String({ pattern: "^[a-z0-9][a-z0-9_.-]*$", description: "stable ASCII id" });
/** An org unit id (org file) or a GB/T 2260 division code. */
const UnitId = Type.String({ pattern: "^([a-z][a-z0-9-]*|[0-9]{6,12})$" });
const Zh = Type.String({ minLength: 1, description: "Chinese text shown to users" });
const Source = Type.String({
  minLength: 3,
  description: 'seed file and section, e.g. "000 §4.1" or "000 附表1 #3"',
});
const Gap = Type.String({ minLength: 1, description: "how the profile reads an ambiguous or silent seed" });
const IsoDate = Type.String({ pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" });

const RoleSchema = Type.Enum(ROLES);
const ScopeSchema = Type.Enum(SCOPES);
const OrgUnitTypeSchema = Type.Enum(ORG_UNIT_TYPES);
const FlagSchema = Type.Enum(INCIDENT_FLAGS);
const MetricSchema = Type.Enum(METRICS);
const ColourSchema = Type.Enum(WARNING_COLOURS);
const ClockStartSchema = Type.Enum(CLOCK_STARTS);

/** An object that is a rule: it must cite the seed and may record a gap. */
function Rule<P extends TProperties>(properties: P) {
  return Type.Object(
    { ...properties, source: Source, gap: Type.Optional(Gap) },
    { additionalProperties: false },
  );
}

function Strict<P extends TProperties>(properties: P) {
  return Type.Object(properties, { additionalProperties: false });
}

/**
 * Who acts or who receives, as data. At least one of role / scope / unit must be present (lint).
 * Examples: `{ role: district_leader, scope: in_charge_of_category }` (主管区领导),
 * `{ role: dept_head, scope: lead_department }`, `{ role: office_director, unit: office }`,
 * `{ unit: ext-city-office }` (a recipient), `{ scope: hq_office, authorisedBy: office }`.
 */
export const PartySchema = Strict({
  role: Type.Optional(RoleSchema),
  scope: Type.Optional(ScopeSchema),
  unit: Type.Optional(UnitId),
  /** Keep only units of this type when the scope resolves to units (e.g. `external` city departments). */
  unitType: Type.Optional(OrgUnitTypeSchema),
  /** The party may act only when authorised by this unit (000 §3.3.1: 授权…发布和解除). */
  authorisedBy: Type.Optional(UnitId),
  /**
   * The emergency office's duty room (总值班室) does not act for the office in this party. By default
   * it does (000 §2.1.3: information intake in the 总值班室's name); a rule marks the office's own acts
   * it does not take over, e.g. publishing and lifting warnings (000 §3.3.1: 区应急办（发布中心）).
   */
  excludesDutyRoom: Type.Optional(Type.Boolean()),
  /** Chinese label shown to users, e.g. 主管区领导. */
  label: Type.Optional(Zh),
});
export type Party = Static<typeof PartySchema>;
const Parties = Type.Array(PartySchema);

/** A grading level id or one of the explicit states (below-lowest, undetermined). */
const LevelRef = Id;

/**
 * One clause of a condition; every field present must hold. A `when` list of clauses holds when
 * ANY clause holds; an absent or empty `when` always holds.
 */
export const ClauseSchema = Strict({
  /** The incident's level or state is one of these. */
  levels: Type.Optional(Type.Array(LevelRef, { minItems: 1 })),
  /** The incident's level is this level or higher ("以上" includes the level, 000 §8.1 item 16). */
  levelAtLeast: Type.Optional(LevelRef),
  /** Every flag listed is set on the incident. */
  flags: Type.Optional(Type.Array(FlagSchema, { minItems: 1 })),
  /** The response for the incident is still running (e.g. continuing reports until handling ends). */
  responseActive: Type.Optional(Type.Boolean()),
  /** Chinese reading of the clause, for people. */
  text: Type.Optional(Zh),
});
export type Clause = Static<typeof ClauseSchema>;
const When = Type.Array(ClauseSchema);

export const DurationSchema = Strict({
  value: Type.Number({ exclusiveMinimum: 0 }),
  unit: Type.Enum(DURATION_UNITS),
});
export type Duration = Static<typeof DurationSchema>;

const NumberedItem = Strict({ no: Type.Integer({ minimum: 1 }), text: Zh });

// ---------------------------------------------------------------------------------------------
// meta
// ---------------------------------------------------------------------------------------------

export const MetaSchema = Rule({
  id: Id,
  name: Zh,
  district: Strict({ code: Type.String({ pattern: "^[0-9]{6}$" }), name: Zh }),
  /** Path of the org file, relative to this profile file. */
  orgFile: Type.String({ minLength: 1 }),
  effectiveDate: Type.Optional(IsoDate),
  issuingBody: Zh,
  /** Document number, e.g. 朝政发〔2022〕3号. */
  docNo: Type.Optional(Zh),
  /** Seed document id, e.g. "000". */
  sourceDoc: Type.String({ minLength: 1 }),
  timezone: Type.String({ default: "Asia/Shanghai" }),
});

// ---------------------------------------------------------------------------------------------
// taxonomy
// ---------------------------------------------------------------------------------------------

export const SubtypeSchema = Rule({
  id: Id,
  name: Zh,
  pinyin: Type.Optional(Type.String()),
  aliases: Type.Optional(Type.Array(Zh)),
  /** 主责部门 (one or more; several = joint or overlapping lead, explained in `gap`). */
  lead: Type.Array(UnitId),
  /** 协作部门. */
  cooperating: Type.Array(UnitId),
  /** The responsible special HQ (special_hq unit); absent = temporary HQ per the fallback rule. */
  hq: Type.Optional(UnitId),
  /** Other category ids this subtype is also filed under in the seed. */
  alsoIn: Type.Optional(Type.Array(Id)),
});
export type Subtype = Static<typeof SubtypeSchema>;

export const CategorySchema = Rule({
  id: Id,
  name: Zh,
  /** The seed's own list of kinds in this category (000 §1.2.3), for display. */
  includes: Type.Optional(Type.Array(Zh)),
  subtypes: Type.Array(SubtypeSchema),
});

export const TaxonomySchema = Strict({
  categories: Type.Array(CategorySchema, { minItems: 1 }),
  /** Roles of departments (主责 / 协作 / 保障) and the main support departments. */
  supportDepartments: Type.Optional(Rule({ units: Type.Array(UnitId) })),
  /** What happens for a kind of event no subtype covers (000 §2.1.4: temporary HQ). */
  fallback: Type.Optional(Rule({ text: Zh, formedBy: Parties })),
});

// ---------------------------------------------------------------------------------------------
// grading
// ---------------------------------------------------------------------------------------------

export const LevelSchema = Rule({
  id: Id,
  name: Zh,
  /** Roman numeral used for the grade, e.g. Ⅰ for 特别重大. */
  roman: Type.Optional(Type.String()),
  /** Higher is more severe; the lowest level has rank 1. */
  rank: Type.Integer({ minimum: 1 }),
  aliases: Type.Optional(Type.Array(Zh)),
});

/** A numeric threshold: `min <= value < max` by default (inclusive min, exclusive max). */
export const ThresholdSchema = Strict({
  metric: MetricSchema,
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
  minInclusive: Type.Optional(Type.Boolean({ default: true })),
  maxInclusive: Type.Optional(Type.Boolean({ default: false })),
});
export type Threshold = Static<typeof ThresholdSchema>;

/**
 * One way to reach a level: every threshold in `all` holds, every flag in `requiresFlags` is set and
 * no flag in `excludesFlags` is set. A criterion without `all` is qualitative (`text` only) and is
 * shown to people, never auto-matched.
 */
export const CriterionSchema = Strict({
  all: Type.Optional(Type.Array(ThresholdSchema, { minItems: 1 })),
  requiresFlags: Type.Optional(Type.Array(FlagSchema)),
  /** 002 附件 地震: "本区其它地区…5.5级以上" must not match a quake in a neighbouring district. */
  excludesFlags: Type.Optional(Type.Array(FlagSchema)),
  text: Type.Optional(Zh),
  source: Type.Optional(Source),
  gap: Type.Optional(Gap),
});
export type Criterion = Static<typeof CriterionSchema>;

export const SubtypeCriteriaSchema = Rule({
  /** Subtype ids these criteria apply to. */
  subtypes: Type.Array(Id, { minItems: 1 }),
  levels: Type.Array(
    Strict({
      level: LevelRef,
      any: Type.Array(CriterionSchema, { minItems: 1 }),
      source: Type.Optional(Source),
      gap: Type.Optional(Gap),
    }),
  ),
});
export type SubtypeCriteria = Static<typeof SubtypeCriteriaSchema>;

export const GradingSchema = Strict({
  levels: Type.Array(LevelSchema, { minItems: 1 }),
  /** The explicit state "below the lowest level" (000: 小于一般 / 一般以下). Distinct from undetermined. */
  belowLowest: Type.Optional(Rule({ id: Id, name: Zh, aliases: Type.Optional(Type.Array(Zh)) })),
  /** The explicit state "grade not yet determinable" (000 §4.1: 暂时无法判明等级). */
  undetermined: Type.Optional(Rule({ id: Id, name: Zh, aliases: Type.Optional(Type.Array(Zh)) })),
  /** How "以上" / "以下" read (000 §8.1 item 16: 以上 includes the level, 以下 excludes it). */
  semantics: Rule({
    above: Type.Enum(["inclusive", "exclusive"]),
    below: Type.Enum(["inclusive", "exclusive"]),
  }),
  /** Where the criteria come from when the plan has none of its own. */
  criteriaSource: Type.Optional(Rule({ text: Zh })),
  criteria: Type.Array(SubtypeCriteriaSchema),
});

// ---------------------------------------------------------------------------------------------
// reporting
// ---------------------------------------------------------------------------------------------

export const DeadlineSchema = Rule({
  id: Id,
  kind: Type.Enum(DEADLINE_KINDS),
  name: Zh,
  clockStart: ClockStartSchema,
  /** Minutes after the clock start; 0 = immediately (立即). */
  minutes: Type.Integer({ minimum: 0 }),
  /** For continuing reports: repeat every N minutes after the previous report. */
  recurrenceMinutes: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Conditions (any clause); absent = every incident. */
  when: Type.Optional(When),
  by: Parties,
  to: Parties,
  /** Content this report must carry beyond the required fields, e.g. 人员伤亡、处置进展、发展趋势. */
  content: Type.Optional(Type.Array(Zh)),
  /** The reporter must verify before reporting (迅速核实 / 核实后). */
  verifyFirst: Type.Optional(Type.Boolean()),
});
export type Deadline = Static<typeof DeadlineSchema>;

export const NotificationSchema = Rule({
  id: Id,
  name: Zh,
  when: Type.Optional(When),
  by: Parties,
  to: Parties,
  /** All recipients at once (000 §4.1: 立即同时通报区台办、区外办). */
  together: Type.Optional(Type.Boolean()),
  /** Due with this deadline (同时); otherwise `clockStart` + `minutes`. */
  dueWith: Type.Optional(Id),
  clockStart: Type.Optional(ClockStartSchema),
  minutes: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type Notification = Static<typeof NotificationSchema>;

export const ReportingSchema = Strict({
  deadlines: Type.Array(DeadlineSchema, { minItems: 1 }),
  notifications: Type.Array(NotificationSchema),
  /** Reports to the upper level need an approval first (000 §4.1: 报请区应急委相关领导批准后). */
  upward: Type.Optional(
    Rule({
      by: Parties,
      to: Parties,
      approvedBy: Parties,
      minutes: Type.Optional(Type.Integer({ minimum: 0 })),
      /**
       * The deadlines (reporting.deadlines ids) that are reports to the upper level: each counts as
       * sent only when a report answering it has the approval of one of `approvedBy`.
       */
      deadlines: Type.Optional(Type.Array(Id, { uniqueItems: true })),
    }),
  ),
  requiredFields: Rule({
    fields: Type.Array(Strict({ id: Id, name: Zh, auxiliary: Type.Optional(Type.Boolean()) }), {
      minItems: 1,
    }),
  }),
  /** 批示 feedback deadlines (004: phone 20 min, written 40 min). */
  instructionFeedback: Type.Optional(
    Type.Array(
      Rule({
        channel: Type.Enum(["phone", "written"]),
        minutes: Type.Integer({ minimum: 1 }),
        by: Parties,
        to: Type.Optional(Parties),
      }),
    ),
  ),
});

// ---------------------------------------------------------------------------------------------
// warnings
// ---------------------------------------------------------------------------------------------

export const WarningActionRuleSchema = Rule({
  by: Parties,
  /** Recipients (a proposal goes to …, a filing is lodged with …). */
  to: Type.Optional(Parties),
  /** Through whom it passes (报请 via the emergency office). */
  via: Type.Optional(Parties),
  /** A sign-off or approval that must precede this action (e.g. lifting a relayed warning, 同等权限). */
  approvedBy: Type.Optional(Parties),
  /** `sign_off`: the seed says "报…后直接转发" (report to, then relay), not "批准". */
  mode: Type.Optional(Type.Enum(["approve", "sign_off"])),
  /** Chinese verb shown to users, e.g. 转发 for a relayed warning's publication. */
  label: Type.Optional(Zh),
});
export type WarningActionRule = Static<typeof WarningActionRuleSchema>;

export const WarningAuthoritySchema = Rule({
  origin: Type.Enum(WARNING_ORIGINS),
  colours: Type.Array(ColourSchema, { minItems: 1 }),
  propose: Type.Optional(WarningActionRuleSchema),
  approve: Type.Optional(WarningActionRuleSchema),
  publish: Type.Optional(WarningActionRuleSchema),
  adjust: Type.Optional(WarningActionRuleSchema),
  lift: Type.Optional(WarningActionRuleSchema),
  /** Every filing obligation (备案), possibly several recipients. */
  file: Type.Optional(WarningActionRuleSchema),
});
export type WarningAuthority = Static<typeof WarningAuthoritySchema>;

export const WarningsSchema = Strict({
  colours: Type.Array(
    Rule({
      id: ColourSchema,
      name: Zh,
      /** 1 = lowest (blue). */
      rank: Type.Integer({ minimum: 1 }),
      /** Other names for the colour level, e.g. 特别严重（Ⅰ级）. */
      aliases: Type.Optional(Type.Array(Zh)),
      cap: Strict({
        severity: Type.Enum(CAP_SEVERITIES),
        urgency: Type.Optional(Type.Enum(["Immediate", "Expected", "Future", "Past", "Unknown"])),
        certainty: Type.Optional(Type.Enum(["Observed", "Likely", "Possible", "Unlikely", "Unknown"])),
      }),
    }),
    { minItems: 1 },
  ),
  authority: Type.Array(WarningAuthoritySchema, { minItems: 1 }),
  /** Orange/red that may affect other areas: report upward and notify those areas (000 §3.3.1-3). */
  crossArea: Type.Optional(
    Rule({ origin: Type.Enum(WARNING_ORIGINS), colours: Type.Array(ColourSchema), by: Parties, to: Parties }),
  ),
  /** Who alone may publish to society / residents (000 §3.3.1-8). */
  publicPublisher: Type.Optional(Rule({ by: Parties })),
  /** Subtypes whose warnings follow another plan (000 §3.3.1: 区防汛预警按区防汛应急预案执行). */
  exclusions: Type.Array(Rule({ id: Id, subtypes: Type.Array(Id), plan: Zh, hq: Type.Optional(UnitId) })),
  /** Lifting must be immediate once danger is over (000 §3.3.1-5). */
  liftRule: Type.Optional(Rule({ text: Zh })),
  requiredContent: Rule({ fields: Type.Array(Strict({ id: Id, name: Zh }), { minItems: 1 }) }),
  dissemination: Type.Optional(
    Rule({
      channels: Type.Array(Zh),
      publicPlaces: Type.Optional(Type.Array(Zh)),
      specialGroups: Type.Optional(Type.Array(Zh)),
    }),
  ),
  /** Warning response per colour (000 §3.3.2). */
  response: Type.Array(
    Rule({
      colours: Type.Array(ColourSchema, { minItems: 1 }),
      activatedBy: Parties,
      coordinates: Parties,
      directedBy: Parties,
      task: Zh,
    }),
  ),
  /** Warning measures checklist (000 §3.3.3). */
  measures: Rule({ leadIn: Zh, items: Type.Array(NumberedItem, { minItems: 1 }), other: Type.Optional(Zh) }),
});

// ---------------------------------------------------------------------------------------------
// response
// ---------------------------------------------------------------------------------------------

export const ResponseLevelSchema = Rule({
  id: Id,
  name: Zh,
  /** 1 = lowest response level. */
  rank: Type.Integer({ minimum: 1 }),
  /** Grades (level ids or states) that map to this response level. */
  grades: Type.Array(LevelRef),
  /** Non-grade triggers, in Chinese (e.g. 突发事件有可能达到一般级别). */
  alsoWhen: Type.Optional(Type.Array(Zh)),
  activatedBy: Parties,
  mechanism: Type.Optional(Zh),
  /** Who goes to the scene to command (根据事件的需要). */
  onScene: Parties,
  accompaniedBy: Type.Optional(Parties),
  /** Who forms the on-site command post at this level. */
  commandPostBy: Type.Optional(Parties),
  text: Type.Optional(Zh),
});
export type ResponseLevel = Static<typeof ResponseLevelSchema>;

export const CommandGroupSchema = Rule({
  id: Id,
  name: Zh,
  lead: Parties,
  duties: Type.Array(Zh),
});

export const ResponseSchema = Strict({
  levels: Type.Array(ResponseLevelSchema, { minItems: 1 }),
  /** Cases that override the grade mapping (000 §4.3.1: 市属企业、行业 events below 较大). */
  specialCases: Type.Array(
    Rule({ id: Id, name: Zh, when: When, activatedBy: Parties, onScene: Parties, text: Zh }),
  ),
  escalation: Type.Optional(Rule({ text: Zh, requestTo: Parties })),
  committeeDecision: Type.Optional(
    Rule({
      /** Possible or actual grades that allow the decision mechanism. */
      grades: Type.Array(LevelRef),
      /** Alternatives that start it (主要领导认为有必要 / 建议 + 同意). */
      triggers: Type.Array(Strict({ by: Parties, approvedBy: Type.Optional(Parties), text: Zh })),
      decisions: Type.Array(Strict({ id: Id, no: Type.Integer({ minimum: 1 }), text: Zh })),
      commandStaysWith: Parties,
    }),
  ),
  commandPost: Rule({
    grades: Type.Array(LevelRef),
    principle: Type.Optional(Zh),
    setUpBy: Parties,
    siteBy: Parties,
    roles: Type.Array(Rule({ id: Id, name: Zh, heldBy: Parties })),
    groups: Type.Array(CommandGroupSchema, { minItems: 1 }),
    checkIn: Type.Optional(Rule({ text: Zh })),
    /** Once an upper-level lead activates its response, the post works under the upper post. */
    upperTakeover: Type.Optional(Rule({ text: Zh })),
  }),
  /** Measures checklists per category (000 §4.6). */
  measures: Type.Array(
    Rule({
      id: Id,
      categories: Type.Array(Id, { minItems: 1 }),
      leadIn: Zh,
      items: Type.Array(NumberedItem, { minItems: 1 }),
    }),
  ),
});

// ---------------------------------------------------------------------------------------------
// end of response and assessment
// ---------------------------------------------------------------------------------------------

export const AssessmentReportSchema = Rule({
  id: Id,
  name: Zh,
  levels: Type.Array(LevelRef, { minItems: 1 }),
  mandatory: Type.Boolean(),
  lead: Parties,
  to: Parties,
  /** 原则上 target after handling ends. */
  target: DurationSchema,
  /** 最迟 hard cap after handling ends. */
  hardCap: Type.Optional(DurationSchema),
});
export type AssessmentReport = Static<typeof AssessmentReportSchema>;

export const EndOfResponseSchema = Strict({
  conditions: Type.Optional(Rule({ text: Zh })),
  declarers: Type.Array(
    Rule({
      levels: Type.Array(LevelRef, { minItems: 1 }),
      by: Parties,
      /** The end must first be approved by one of these (002: the committee approves). */
      approvedBy: Type.Optional(Parties),
      /**
       * The end is announced by a body outside the district (000 §4.9: 启动应急响应的市属部门), a unit
       * of this type in the org file; `by` then only enters that announcement (who, when, 文号).
       */
      announcedBy: Type.Optional(Strict({ unitType: OrgUnitTypeSchema, label: Zh })),
    }),
  ),
  notify: Type.Optional(Rule({ to: Parties, publicWhenNecessary: Type.Boolean() })),
  reports: Type.Array(AssessmentReportSchema),
});

// ---------------------------------------------------------------------------------------------
// resources
// ---------------------------------------------------------------------------------------------

export const DISPATCH_CASES = ["own", "other_unit", "external_request"] as const;
export const DISPATCH_ACTIONS = ["request", "review", "approve", "order", "dispatch", "coordinate"] as const;

export const DispatchRuleSchema = Rule({
  case: Type.Enum(DISPATCH_CASES),
  name: Zh,
  steps: Type.Array(Strict({ action: Type.Enum(DISPATCH_ACTIONS), name: Zh, by: Parties }), { minItems: 1 }),
});
export type DispatchRule = Static<typeof DispatchRuleSchema>;

/**
 * Cases of team dispatch (000 §6.2 “应急队伍的调度”): the comprehensive rescue team, a unit's own
 * professional team, another unit's team, a volunteer team, the army / armed police / militia, and a
 * request from outside the district. Which case applies is decided by plans/rules.ts teamDispatchRule.
 */
export const TEAM_DISPATCH_CASES = [
  "own",
  "other_unit",
  "comprehensive",
  "volunteer",
  "armed_forces",
  "external_request",
] as const;

export const TeamDispatchRuleSchema = Rule({
  case: Type.Enum(TEAM_DISPATCH_CASES),
  name: Zh,
  steps: Type.Array(Strict({ action: Type.Enum(DISPATCH_ACTIONS), name: Zh, by: Parties }), { minItems: 1 }),
});
export type TeamDispatchRule = Static<typeof TeamDispatchRuleSchema>;
/** A rule a dispatch follows: of supplies and equipment (§6.7) or of a team (§6.2). */
export type AnyDispatchRule = DispatchRule | TeamDispatchRule;

export const ResourcesSchema = Strict({
  supplyDispatch: Type.Array(DispatchRuleSchema, { minItems: 1 }),
  /** How teams are dispatched; a profile without it dispatches teams by `supplyDispatch`. */
  teamDispatch: Type.Optional(Type.Array(TeamDispatchRuleSchema, { minItems: 1 })),
  shelterActivation: Type.Optional(Rule({ by: Parties })),
  requisition: Type.Optional(Rule({ by: Parties, text: Zh })),
});

// ---------------------------------------------------------------------------------------------
// plan management and drills
// ---------------------------------------------------------------------------------------------

export const PLAN_KINDS = ["general", "special", "department", "large_event", "unit", "key_area"] as const;

export const PlanManagementSchema = Strict({
  revision: Rule({
    every: DurationSchema,
    inPrinciple: Type.Boolean(),
    by: Parties,
    triggers: Type.Array(Zh),
  }),
  drills: Rule({
    coordinatedBy: Parties,
    phases: Type.Array(Strict({ id: Id, name: Zh }), { minItems: 1 }),
    kinds: Type.Optional(Type.Array(Strict({ id: Id, name: Zh, text: Type.Optional(Zh) }))),
    principles: Type.Optional(Zh),
    cycles: Type.Array(
      Rule({
        planKind: Type.Enum(PLAN_KINDS),
        every: Type.Optional(DurationSchema),
        /** At least once before the event (large-event plans). */
        beforeEvent: Type.Optional(Type.Boolean()),
        /** First drill within this time after the plan is issued or revised (002). */
        afterIssue: Type.Optional(DurationSchema),
        text: Type.Optional(Zh),
      }),
    ),
  }),
});

export const CatalogueEntrySchema = Rule({
  no: Type.Integer({ minimum: 1 }),
  /** The category heading row of the seed's table (自然灾害类, 应急保障类 …). */
  heading: Zh,
  name: Zh,
  lead: Type.Array(UnitId),
});
export type CatalogueEntry = Static<typeof CatalogueEntrySchema>;

export const CatalogueSchema = Strict({
  special: Type.Array(CatalogueEntrySchema),
  department: Type.Array(CatalogueEntrySchema),
});

// ---------------------------------------------------------------------------------------------
// the profile
// ---------------------------------------------------------------------------------------------

export const PlanProfileSchema = Strict({
  schemaVersion: Type.Literal(1),
  meta: MetaSchema,
  taxonomy: TaxonomySchema,
  grading: GradingSchema,
  reporting: ReportingSchema,
  warnings: WarningsSchema,
  response: ResponseSchema,
  endOfResponse: EndOfResponseSchema,
  resources: ResourcesSchema,
  planManagement: PlanManagementSchema,
  catalogue: Type.Optional(CatalogueSchema),
  /** Cross-cutting readings of the seed that belong to no single rule. */
  gaps: Type.Optional(Type.Array(Rule({ id: Id, text: Zh }))),
});

export type PlanProfile = Static<typeof PlanProfileSchema>;
export type Category = PlanProfile["taxonomy"]["categories"][number];
export type Level = PlanProfile["grading"]["levels"][number];
