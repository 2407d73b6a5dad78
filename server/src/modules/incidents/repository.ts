/**
 * All SQL of the incidents module (STYLE: no SQL outside repositories), by aggregate under
 * repository/. Accepts the db or a transaction. JSON columns are read and written through one codec
 * each (repository/codecs.ts), so commands and presenters see typed values (`Incident`,
 * `IncidentDeadline` …); the raw `…Table` rows are what the door still hands to other modules
 * (`findIncident`, `deadlinesOf` …), which parse them themselves.
 */
export type {
  Incident,
  IncidentDeadline,
  IncidentEvent,
  IncidentInstruction,
  IncidentReport,
} from "./repository/codecs.js";
export * from "./repository/deadlines.js";
export * from "./repository/incidents.js";
export * from "./repository/reports.js";
export * from "./repository/timeline.js";
