/** The audit module's door: the hash-chained log (append in the command's transaction, verify, list). */
export { auditPolicy } from "./policy.js";
export { type AuditEntry, appendAudit, listAudit, verifyAuditChain } from "./repository.js";
export { registerAuditRoutes } from "./routes.js";
