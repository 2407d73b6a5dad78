/** Response shapes of the Fenghuo API as the web app uses them (server: server/src/modules/*). */

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  unitId: string;
  unitName: string;
  roles: string[];
  categories: string[];
  locale: string;
}

export interface LoginResponse {
  user: SessionUser;
  csrfToken: string;
  permissions: string[];
}

export interface MeResponse {
  user: SessionUser;
  csrfToken: string | null;
  /** Module-level permissions from the server's policy tables (user.list, audit.read …). */
  permissions: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface OrgUnit {
  id: string;
  name: string;
  shortName: string | null;
  type: string;
  parentId: string | null;
  divisionCode: string | null;
  attrs: Record<string, unknown>;
  childCount?: number;
}

export interface OrgMember {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
}

export interface OrgUnitDetail {
  unit: OrgUnit;
  path: OrgUnit[];
  children: OrgUnit[];
  members: OrgMember[];
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  unitId: string;
  unitName: string;
  roles: string[];
  categories: string[];
  phone: string | null;
  disabled: boolean;
  lockedUntil: string | null;
  locale: string;
  createdAt: string;
  updatedAt: string;
  /** What the signed-in user may do to this user, decided by the server's policy table. */
  allowedActions: string[];
}

export interface CreateUserInput {
  username: string;
  displayName: string;
  unitId: string;
  roles: string[];
  categories?: string[];
  phone?: string;
  password: string;
}

export interface UpdateUserInput {
  displayName?: string;
  unitId?: string;
  roles?: string[];
  categories?: string[];
  phone?: string | null;
  disabled?: boolean;
}

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** After this the token is refused (null only for a token never backfilled). */
  expiresAt: string | null;
}

export interface CreatedApiToken {
  id: string;
  name: string;
  scopes: string[];
  expiresAt: string;
  /** The bearer secret: returned once, never again. */
  token: string;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
  hash: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  rows: number;
  firstBadSeq?: number;
  reason?: string;
}
