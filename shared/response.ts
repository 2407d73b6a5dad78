/**
 * Emergency response and on-site command (issue 7): vocabularies shared by the server's validation
 * and the web app's forms, so a form's rule and the server's check come from one constant.
 */

/** A response runs, may wait for approval of its end (002 §5.6: 请示结束), and ends (000 §4.9). */
export const RESPONSE_STATES = ["active", "end_requested", "ended"] as const;
export type ResponseState = (typeof RESPONSE_STATES)[number];

/** How a response level came about: activation, then upgrades and downgrades (000 §4.3, §4.5). */
export const LEVEL_CHANGE_KINDS = ["activate", "upgrade", "downgrade"] as const;
export type LevelChangeKind = (typeof LEVEL_CHANGE_KINDS)[number];

/** Task life cycle on the command post's board. Overdue is derived (due time passed, not finished). */
export const TASK_STATUSES = ["pending", "in_progress", "done", "cancelled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const OPEN_TASK_STATUSES: readonly TaskStatus[] = ["pending", "in_progress"];

/** What arrives at the scene and reports to the command post (000 §4.4: 报到或登记). */
export const CHECKIN_KINDS = ["team", "supplies", "equipment", "expert", "other"] as const;
export type CheckinKind = (typeof CHECKIN_KINDS)[number];

/** 000 §4.4: 核心封控线、安全封控线, plus 警戒区 and traffic-control lines drawn on the map. */
export const CORDON_KINDS = ["core", "safety", "alert_zone", "traffic"] as const;
export type CordonKind = (typeof CORDON_KINDS)[number];

/** 000 §4.3.2: how the committee's decision mechanism was started. */
export const DECISION_TRIGGERS = ["leader", "proposal"] as const;
export type DecisionTrigger = (typeof DECISION_TRIGGERS)[number];

/** Assessment report deadline rows (000 §4.9). */
export const ASSESSMENT_STATES = ["pending", "overdue", "submitted"] as const;
export type AssessmentState = (typeof ASSESSMENT_STATES)[number];

/** Limits shared by forms and schemas. */
export const RESPONSE_LIMITS = {
  reason: 2000,
  title: 200,
  note: 4000,
  name: 100,
  lessons: 20_000,
  /** Vertices of a drawn cordon line or area. */
  cordonVertices: 2000,
} as const;
