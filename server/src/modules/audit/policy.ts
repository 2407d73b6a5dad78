import { definePolicy, hasRole } from "../../authz/policy.js";

/** The log is read by administrators and the emergency office's director (who answers for the record). */
export const auditPolicy = definePolicy<"read", object>("audit", {
  read: { by: [hasRole("admin", "office_director")] },
});
