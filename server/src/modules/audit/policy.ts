import { definePolicy, hasRole } from "../../authz/policy.js";

/** The log is read by administrators and the emergency office's director (who answers for the record). */
export const auditPolicy = definePolicy<unknown>("audit", {
  read: [hasRole("admin", "office_director")],
});
