/**
 * Table types. Times are ISO 8601 UTC strings (sortable as text on both dialects);
 * booleans are 0/1 integers; JSON is stored as text. One representation for SQLite and PostgreSQL
 * keeps every query portable.
 */
export interface Database {
  org_units: OrgUnitTable;
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  idempotency_keys: IdempotencyKeyTable;
}

export interface OrgUnitTable {
  id: string;
  name: string;
  short_name: string | null;
  type: string;
  parent_id: string | null;
  /** GB/T 2260 division code for streets, communities and villages. */
  division_code: string | null;
  sort_key: string;
  /** JSON: officeIn, source and other attributes from the org file. */
  attrs: string;
}

export interface UserTable {
  id: string;
  username: string;
  display_name: string;
  unit_id: string;
  /** JSON array of Role. */
  roles: string;
  /** JSON array of category names a district leader is in charge of. */
  categories: string;
  phone: string | null;
  password_hash: string;
  disabled: number;
  failed_logins: number;
  locked_until: string | null;
  locale: string;
  created_at: string;
  updated_at: string;
}

export interface SessionTable {
  id: string;
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  /** JSON array: "read", "write". */
  scopes: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  /** Past this instant the token is refused (migration 0011; null only if never backfilled). */
  expires_at: string | null;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before: string | null;
  after: string | null;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

/** One row: the last sequence number and hash, locked by every appender so the chain stays linear. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface IdempotencyKeyTable {
  principal: string;
  key: string;
  method: string;
  path: string;
  state: string;
  status: number | null;
  body: string | null;
  created_at: string;
  /** The instance (EventHub.instanceId) whose request holds the claim; null on rows before 0012. */
  owner: string | null;
  /** The claim expires at this time unless the request renews it (ISO-8601 UTC). */
  lease_until: string | null;
}
