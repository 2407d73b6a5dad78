import "../modules/audit/policy.js";
import "../modules/users/policy.js";
import { can } from "./policy.js";
import type { SessionUser } from "./principal.js";

/**
 * Module-level permissions the UI needs before it has a resource to ask about (which menus to show).
 * Each is a policy-table check, so the UI never re-implements a rule.
 */
const GLOBAL_CHECKS: { name: string; action: string; subject: string }[] = [
  { name: "user.list", action: "list", subject: "user" },
  { name: "user.create", action: "create", subject: "user" },
  { name: "audit.read", action: "read", subject: "audit" },
];

export function globalPermissions(user: SessionUser): string[] {
  return GLOBAL_CHECKS.filter((c) => can(user, c.action, c.subject, { id: "" })).map((c) => c.name);
}
