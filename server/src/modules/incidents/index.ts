/** The incidents module's door: the duty desk's incidents, their reports, deadlines and timeline. */
export { endReporting, sweepIncidentDeadlines } from "./deadlines.js";
export { seedIncidentsDemo } from "./demo.js";
export { type IncidentAction, type IncidentResource, incidentPartyCase, incidentPolicy } from "./policy.js";
export { registerIncident, validateRegistration } from "./registration.js";
export { fileReport } from "./reports.js";
export {
  deadlinesOf,
  eventsOf,
  findIncident,
  insertDeadlines,
  loadIncident,
  reportsOf,
} from "./repository.js";
export { registerIncidentRoutes } from "./routes.js";
export type { IncidentDeadlineTable, IncidentTable } from "./tables.js";
export { Timeline } from "./timeline.js";
