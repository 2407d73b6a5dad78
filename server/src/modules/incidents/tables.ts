/** Tables of the incidents module (migration 0003_incidents), merged into the Database interface. */

export interface IncidentSequenceTable {
  prefix: string;
  year: number;
  last: number;
}

export interface IncidentTable {
  id: string;
  /** Readable number, e.g. CY-2026-000123. */
  number: string;
  title: string;
  category_id: string;
  subtype_id: string;
  occurred_at: string;
  received_at: string;
  /** When the information was verified (002: Luolong's 1 h clock starts here). */
  verified_at: string | null;
  source_channel: string;
  source_detail: string | null;
  /** Org unit id of the division picked (street, township, community or village code). */
  division_code: string | null;
  /** The street/township the division belongs to (属地街道), for scope street_in_area. */
  street_code: string | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  /** JSON object of metric → number. */
  figures: string;
  /** JSON array of IncidentFlag. */
  flags: string;
  description: string;
  /** A grading level id, the below-lowest state or the undetermined state. */
  level: string;
  level_confirmed: number;
  level_reason: string | null;
  /** JSON arrays of unit ids, set from the profile at registration. */
  lead_departments: string;
  cooperating_departments: string;
  status: string;
  merged_into: string | null;
  /** JSON array of {id, number, distanceM}. */
  possible_duplicates: string;
  handling_ended_at: string | null;
  reporter_unit_id: string | null;
  reporter_name: string | null;
  reporter_phone: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface IncidentReportTable {
  id: string;
  incident_id: string;
  /** 1, 2, 3 … per incident. */
  seq: number;
  kind: string;
  /** JSON object: required field id → text. */
  fields: string;
  /** JSON array of {label, unitId?}. */
  addressees: string;
  /** JSON array of deadline ids this report met. */
  met_deadlines: string;
  unit_id: string | null;
  unit_name: string;
  filed_by: string | null;
  filed_by_name: string | null;
  filed_at: string;
}

export interface IncidentInstructionTable {
  id: string;
  incident_id: string;
  leader: string;
  content: string;
  instructed_at: string;
  /** JSON array of unit ids the instruction was relayed to. */
  relay_to: string;
  /** JSON array of {channel, content, at, by}. */
  feedback: string;
  recorded_by: string | null;
  recorded_by_name: string | null;
  created_at: string;
}

export interface IncidentDeadlineTable {
  id: string;
  incident_id: string;
  /** Profile rule id (reporting.deadlines[].id, notifications[].id) or instruction_<channel>. */
  rule_id: string;
  kind: string;
  name: string;
  /** Continuing reports: 1st, 2nd … */
  round: number;
  instruction_id: string | null;
  due_at: string;
  state: string;
  /** JSON array of recipient labels. */
  recipients: string;
  source: string;
  met_at: string | null;
  /** The report (or instruction feedback) that met it. */
  met_by: string | null;
  late_minutes: number | null;
  overdue_at: string | null;
  escalated_at: string | null;
  /** A report to the upper level waiting for a leader's approval (000 §4.1 报请…批准后). */
  approval_report_id: string | null;
  approval_requested_at: string | null;
  approved_by: string | null;
  approved_by_name: string | null;
  approved_at: string | null;
  created_at: string;
}

export interface IncidentEventTable {
  id: string;
  incident_id: string;
  at: string;
  /** Order of events written by one command at the same instant. */
  ord: number;
  type: string;
  summary: string;
  actor_id: string | null;
  actor_name: string | null;
  data: string;
}

declare module "../../db/schema.js" {
  interface Database {
    incident_sequences: IncidentSequenceTable;
    incidents: IncidentTable;
    incident_reports: IncidentReportTable;
    incident_instructions: IncidentInstructionTable;
    incident_deadlines: IncidentDeadlineTable;
    incident_events: IncidentEventTable;
  }
}
