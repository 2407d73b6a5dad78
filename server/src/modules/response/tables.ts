/** Tables of the response module (migration 0006_response), merged into the Database interface. */

/** One response per incident (000 §4.3.1): its current level, who activated it, its end. */
export interface ResponseTable {
  id: string;
  incident_id: string;
  /** A response level id of the profile (response.levels[].id). */
  level: string;
  state: string;
  activated_at: string;
  activated_by: string | null;
  activated_by_name: string | null;
  /** The unit that activated the response (scope activating_unit, 000 §4.9). */
  activating_unit_id: string;
  /** Special case of the profile that applied at activation (000 §4.3.1 市属企业). */
  special_case: string | null;
  /** What the profile says this level's mechanism is (e.g. Luolong: 报请市政府启动市预案). */
  mechanism: string | null;
  end_requested_at: string | null;
  end_requested_by: string | null;
  end_requested_by_name: string | null;
  end_request_note: string | null;
  ended_at: string | null;
  ended_by: string | null;
  ended_by_name: string | null;
  /** 002 §5.6: the committee's approval of the end. */
  end_approved_by_name: string | null;
  end_summary: string | null;
  /** 000 §4.9 较大以上: the city department (external org unit) that announced the end (migration 0013). */
  end_announced_by_unit_id: string | null;
  end_announced_at: string | null;
  /** 文号 of the city department's announcement. */
  end_doc_no: string | null;
  /** Editable parts of the assessment report (000 §4.9: 原因、经验教训、改进措施). */
  causes: string;
  lessons: string;
  improvements: string;
  created_at: string;
  updated_at: string;
}

/** Activation, upgrades and downgrades with their reasons (000 §4.3.1, §4.5). */
export interface ResponseLevelChangeTable {
  id: string;
  response_id: string;
  incident_id: string;
  kind: string;
  from_level: string | null;
  to_level: string;
  /** The incident's grade when the change was made. */
  grade: string;
  /** 1 when the grade maps to this level in the profile; 0 when a reason had to justify it. */
  justified: number;
  reason: string | null;
  by_id: string | null;
  by_name: string | null;
  by_unit_id: string | null;
  at: string;
}

/** The committee's decisions (000 §4.3.2) with who proposed and who approved them. */
export interface ResponseDecisionTable {
  id: string;
  incident_id: string;
  /** committeeDecision.decisions[].id of the profile. */
  decision_type: string;
  content: string;
  trigger: string;
  proposed_by_unit_id: string | null;
  proposed_by_label: string | null;
  meeting: string | null;
  approved_by_id: string | null;
  approved_by_name: string;
  /** The party of the profile the approver filled (区应急委主任 …). */
  approved_as: string;
  decided_at: string;
  created_at: string;
}

/** The on-site command post (000 §4.4). */
export interface CommandPostTable {
  id: string;
  incident_id: string;
  name: string;
  address: string;
  lat: number | null;
  lng: number | null;
  /** JSON array of {roleId, name, holderName, userId, phone}: 指挥长、执行指挥 … from the profile. */
  roles: string;
  /** Contact line of the post for the public announcement. */
  contacts: string;
  state: string;
  set_up_by: string | null;
  set_up_by_name: string | null;
  set_up_unit_id: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

/** Working groups of a post: the profile's groups (Chaoyang 7, Luolong 13) and any added on site. */
export interface CommandGroupTable {
  id: string;
  post_id: string;
  /** The profile's group id, or custom-… for a group the plan's "等" leaves room for. */
  group_key: string;
  name: string;
  /** JSON array of {label, units}: lead units resolved from the profile for this incident. */
  lead_units: string;
  leader_name: string | null;
  leader_phone: string | null;
  /** JSON array of {unitId, name, phone}. */
  members: string;
  /** JSON array of duties (from the profile). */
  duties: string;
  source: string | null;
  sort: number;
  updated_at: string;
}

/** 指挥权交接 records. */
export interface CommandHandoverTable {
  id: string;
  post_id: string;
  role_id: string;
  from_name: string | null;
  from_user_id: string | null;
  to_name: string;
  to_user_id: string | null;
  note: string | null;
  at: string;
  recorded_by_name: string | null;
}

/** Teams and supplies reporting at the post (000 §4.4 报到或登记). */
export interface CommandCheckinTable {
  id: string;
  post_id: string;
  incident_id: string;
  kind: string;
  name: string;
  unit_id: string | null;
  quantity: number | null;
  /** Text id of a resources-module dispatch (res_dispatches.id) when the arrival was dispatched. */
  dispatch_id: string | null;
  group_id: string | null;
  note: string | null;
  at: string;
  recorded_by_name: string | null;
}

/** Cordon lines and areas drawn on the map (000 §4.4 核心封控线、安全封控线). GeoJSON geometry text. */
export interface CommandCordonTable {
  id: string;
  post_id: string;
  incident_id: string;
  kind: string;
  name: string;
  geometry: string;
  created_at: string;
  created_by_name: string | null;
  removed_at: string | null;
}

/** Tasks on the board: assigned to a group or a unit, with due time and notes (000 §4.6 checklists). */
export interface ResponseTaskTable {
  id: string;
  incident_id: string;
  post_id: string | null;
  /** Board order per incident. */
  seq: number;
  title: string;
  detail: string | null;
  group_id: string | null;
  unit_id: string | null;
  assignee_label: string;
  due_at: string | null;
  status: string;
  /** measures list id + item no (e.g. natural_accident#3) for tasks made from the §4.6 checklist. */
  measure_ref: string | null;
  /** JSON array of {at, by, text}. */
  notes: string;
  overdue_at: string | null;
  completed_at: string | null;
  created_by: string | null;
  created_by_name: string | null;
  created_at: string;
  updated_at: string;
}

/** Assessment report deadlines started by the end of the response (000 §4.9). */
export interface ResponseAssessmentTable {
  id: string;
  incident_id: string;
  response_id: string;
  rule_id: string;
  name: string;
  mandatory: number;
  target_at: string;
  hard_cap_at: string | null;
  state: string;
  overdue_at: string | null;
  cap_overdue_at: string | null;
  submitted_at: string | null;
  submitted_by_name: string | null;
  /** JSON arrays of labels. */
  lead: string;
  recipients: string;
  source: string;
  gap: string | null;
  created_at: string;
}

declare module "../../db/schema.js" {
  interface Database {
    responses: ResponseTable;
    response_level_changes: ResponseLevelChangeTable;
    response_decisions: ResponseDecisionTable;
    command_posts: CommandPostTable;
    command_groups: CommandGroupTable;
    command_handovers: CommandHandoverTable;
    command_checkins: CommandCheckinTable;
    command_cordons: CommandCordonTable;
    response_tasks: ResponseTaskTable;
    response_assessments: ResponseAssessmentTable;
  }
}
