/** The incidents module's door: the duty desk's incidents, their reports, deadlines and timeline. */
export { endReporting, sweepIncidentDeadlines } from "./deadlines.js";
export { seedIncidentsDemo } from "./demo.js";
export { deadlinesOf, eventsOf, findIncident, insertDeadlines, reportsOf } from "./repository.js";
export { registerIncidentRoutes } from "./routes.js";
export { fileReport, loadIncident, registerIncident, Timeline, validateRegistration } from "./service.js";
export type { IncidentDeadlineTable, IncidentTable } from "./tables.js";
