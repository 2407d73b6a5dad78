import { auditPolicy } from "../modules/audit/index.js";
import { userPolicy } from "../modules/users/index.js";
import { can } from "./policy.js";
import type { SessionUser } from "./principal.js";

/**
 * Module-level permissions the UI needs before it has a resource to ask about (which menus to show).
 * Each is a policy check, so the UI never re-implements a rule.
 */
export function globalPermissions(user: SessionUser): string[] {
  const checks: [string, boolean][] = [
    ["user.list", can(userPolicy, user, "list", { id: "" })],
    ["user.create", can(userPolicy, user, "create", { id: "" })],
    ["audit.read", can(auditPolicy, user, "read", {})],
  ];
  return checks.filter(([, ok]) => ok).map(([name]) => name);
}
