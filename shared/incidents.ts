/**
 * Duty desk and information reporting (issue 4): vocabularies shared by the server's validation and
 * the web app's forms, so a form's rule and the server's check come from one constant.
 */
import {
  INCIDENT_FLAG_DOCS,
  INCIDENT_FLAGS,
  type IncidentFlag,
  METRIC_DOCS,
  METRICS,
  type Metric,
} from "./plan/schema.js";

/**
 * Where the information came from (000 §3.2, §4.1): the 110/119/120/122 transfers, the 12345
 * non-emergency line, the seven city-lifeline hotlines of 000 §3.2, grid workers (基层网格员, §4.1),
 * monitoring systems, the public, an upper-level notice, a department's report.
 */
export const SOURCE_CHANNELS = [
  "110",
  "119",
  "120",
  "122",
  "12345",
  "12319",
  "96310",
  "96116",
  "96159",
  "95598",
  "96777",
  "96096",
  "grid_worker",
  "monitoring",
  "public",
  "upper_notice",
  "department",
  "street",
  "other",
] as const;
export type SourceChannel = (typeof SOURCE_CHANNELS)[number];

export const SOURCE_CHANNEL_LABELS: Record<SourceChannel, string> = {
  "110": "110 转警",
  "119": "119 转警",
  "120": "120 转警",
  "122": "122 转警",
  "12345": "12345 市民热线",
  "12319": "12319 城建热线",
  "96310": "96310 城管热线",
  "96116": "96116 自来水热线",
  "96159": "96159 排水热线",
  "95598": "95598 电力热线",
  "96777": "96777 燃气服务热线",
  "96096": "96096 热力热线",
  grid_worker: "基层网格员",
  monitoring: "监测系统",
  public: "群众报告",
  upper_notice: "上级通报",
  department: "部门报告",
  street: "街道（乡）报告",
  other: "其他",
};

/** Figures a registration may carry: every metric a plan's grading criteria can read. */
export const FIGURE_KEYS = METRICS;
export type FigureKey = Metric;

export const FIGURE_LABELS: Record<FigureKey, string> = {
  ...METRIC_DOCS,
  deaths: "死亡（人）",
  serious_injuries: "重伤（人）",
  injuries: "受伤（人）",
  missing: "失踪（人）",
  trapped: "被困（人）",
  evacuated: "疏散转移（人）",
  poisoned: "中毒（人）",
  economic_loss_yuan: "直接经济损失（元）",
  households: "受影响户数",
  affected_people: "受影响人数",
  area_ha: "面积（公顷）",
  magnitude: "震级",
};

/** Measures that may be fractional; every other figure is a whole count (people, households …). */
export const FRACTIONAL_FIGURES: readonly FigureKey[] = [
  "economic_loss_yuan",
  "area_ha",
  "area_mu",
  "area_km2",
  "magnitude",
  "duration_hours",
  "incidence_ratio",
];

/**
 * Flags the intake form always offers (000 §4.1 and §4.3.1); a subtype whose grading criteria read
 * other flags (002 附件: 人口密集城区, 邻区, 学校 …) adds those.
 */
export const INTAKE_FLAGS = [
  "important",
  "key_area",
  "special_period",
  "major_impact",
  "foreign",
  "hk_macao_taiwan",
  "may_affect_other_areas",
  "city_owned",
] as const satisfies readonly IncidentFlag[];

/** Short labels for the form; the plan schema's docs (without their source) for the rest. */
export const FLAG_LABELS: Record<IncidentFlag, string> = {
  ...(Object.fromEntries(
    INCIDENT_FLAGS.map((f) => [f, INCIDENT_FLAG_DOCS[f].replace(/（[^（）]*）$/, "")]),
  ) as Record<IncidentFlag, string>),
  important: "事件本身比较重要",
  key_area: "发生在重点地区",
  special_period: "发生在特殊时期",
  major_impact: "可能产生较大影响",
  foreign: "涉外",
  hk_macao_taiwan: "涉港澳台",
  may_affect_other_areas: "可能影响其他地区",
  city_owned: "由市属企业、行业应对",
};

/** 初报 / 续报 / 终报. */
export const REPORT_KINDS = ["initial", "continuing", "final"] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const REPORT_KIND_LABELS: Record<ReportKind, string> = {
  initial: "初报",
  continuing: "续报",
  final: "终报",
};

/**
 * A deadline row's state. `met` with lateMinutes > 0 is 迟报 (filed late); `cancelled` is a pending
 * deadline whose rule no longer applies (level changed, incident merged, handling ended).
 */
export const DEADLINE_STATES = ["pending", "met", "overdue", "cancelled"] as const;
export type DeadlineState = (typeof DEADLINE_STATES)[number];

export const INCIDENT_STATUSES = ["open", "closed", "merged"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** A countdown turns amber this many minutes before its deadline (UI). */
export const DEADLINE_NEAR_MINUTES = 5;

/** Furthest into the future a received-at time may lie (clock skew between desks). */
export const MAX_FUTURE_SKEW_MINUTES = 5;

export const INSTRUCTION_CHANNELS = ["phone", "written"] as const;
export type InstructionChannel = (typeof INSTRUCTION_CHANNELS)[number];
