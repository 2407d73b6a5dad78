/** Tables of the warnings module (migration 0004), merged into the Database interface. */
export interface WarningTable {
  id: string;
  origin: string;
  status: string;
  colour: string;
  subtype_id: string | null;
  /** The issuing unit; for a relayed warning, the relaying unit (000 §3.3.1 第1项 本单位). */
  issuing_unit_id: string;
  drafter_id: string | null;
  drafter_name: string;
  title: string;
  /** JSON WarningContent: precautions, situation, measures, advice, hotline, SMS text, English. */
  content: string;
  /** JSON WarningArea: division codes + GeoJSON shapes + description. */
  area: string;
  onset_at: string | null;
  expires_at: string | null;
  affects_other_areas: number;
  /** JSON string[]: names or division codes of other areas that may be affected (000 §3.3.1 第3项). */
  affected_areas: string;
  /** Number of the last published version (0 before the first publication). */
  version: number;
  /** none | requested | released: publication to society is the emergency office's (000 §3.3.1 第8项). */
  public_state: string;
  /** JSON WarningChannel[] chosen at publication. */
  channels: string;
  /** JSON string[]: units the emergency office authorised to publish and lift (000 §3.3.1 第2项 授权). */
  authorised_unit_ids: string;
  approved_by_id: string | null;
  approved_by_name: string | null;
  approved_at: string | null;
  published_at: string | null;
  released_at: string | null;
  /** When it was lifted or expired. */
  ended_at: string | null;
  /** A change of a published warning waiting for its approval: adjust | lift. */
  pending_kind: string | null;
  /** proposed | approved. */
  pending_state: string | null;
  /** JSON: the adjusted fields, or {reason} for a lift. */
  pending_content: string | null;
  pending_by_id: string | null;
  pending_by_name: string | null;
  pending_at: string | null;
  pending_approved_by_id: string | null;
  pending_approved_by_name: string | null;
  rejected_reason: string | null;
  /** JSON: the warning response started on publication (000 §3.3.2). */
  response: string | null;
  /** JSON: the upper-level CAP alert a relay draft came from. */
  source: string | null;
  /** The version whose lift reminder was sent (0011; claimed by the lift-reminder sweep). */
  lift_reminded_version: number | null;
  created_at: string;
  updated_at: string;
}

/** One CAP message per publication event: Alert, each Update, the Cancel. Immutable. */
export interface WarningMessageTable {
  id: string;
  warning_id: string;
  seq: number;
  identifier: string;
  sender: string;
  msg_type: string;
  scope: string;
  version: number;
  colour: string;
  sent_at: string;
  /** JSON: the warning as published in this message. */
  snapshot: string;
  xml: string;
}

export interface WarningHistoryTable {
  id: string;
  warning_id: string;
  /** 1, 2, 3 … per warning: the order of steps, even within one transaction. */
  seq: number;
  at: string;
  action: string;
  actor_id: string | null;
  actor_name: string;
  version: number;
  detail: string;
}

/** Measures (000 §3.3.3), door-to-door notices (§3.3.1 第6项), cross-area reports (第3项), filings. */
export interface WarningTaskTable {
  id: string;
  warning_id: string;
  kind: string;
  no: number;
  title: string;
  unit_id: string | null;
  unit_name: string;
  state: string;
  note: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  updated_by_name: string | null;
}

export interface WarningSubscriberTable {
  id: string;
  channel: string;
  address: string;
  name: string | null;
  division_code: string | null;
  lon: number | null;
  lat: number | null;
  /** 0.01° grid cell (PostgreSQL spatial index; SQLite uses an R*Tree). */
  cell: number | null;
  created_at: string;
  unsubscribed_at: string | null;
}

/** Expands one publication into outbox rows for public subscribers, resumable after a crash. */
export interface WarningDispatchJobTable {
  id: string;
  warning_id: string;
  message_id: string;
  kind: string;
  state: string;
  payload: string;
  recipients: number;
  enqueued: number;
  lease_until: string | null;
  created_at: string;
  finished_at: string | null;
}

/** One upstream CAP message (Alert, Update, Cancel) and the relayed warning it belongs to (migration 0009). */
export interface WarningRelayTable {
  sender: string;
  identifier: string;
  warning_id: string;
  msg_type: string;
  /** The message's own `sent`, as it gave it (with its offset). */
  sent: string;
  created_at: string;
}

declare module "../../db/schema.js" {
  interface Database {
    warnings: WarningTable;
    warning_messages: WarningMessageTable;
    warning_history: WarningHistoryTable;
    warning_tasks: WarningTaskTable;
    warning_subscribers: WarningSubscriberTable;
    warning_dispatch_jobs: WarningDispatchJobTable;
    warning_relays: WarningRelayTable;
  }
}
