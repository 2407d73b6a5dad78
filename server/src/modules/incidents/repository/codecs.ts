/**
 * One codec per JSON column of the incidents tables (db/json.ts), and the rows as the module's
 * commands and presenters see them, JSON decoded.
 */
import { Type } from "typebox";
import { INCIDENT_FLAGS } from "../../../../../shared/plan/schema.js";
import { jsonColumn } from "../../../db/json.js";
import type {
  IncidentDeadlineTable,
  IncidentEventTable,
  IncidentInstructionTable,
  IncidentReportTable,
  IncidentTable,
} from "../tables.js";

// ---------------------------------------------------------------------------------------------
// JSON columns
// ---------------------------------------------------------------------------------------------

const Strings = Type.Array(Type.String());
const Recipients = Type.Array(Type.Object({ label: Type.String(), units: Strings }));
const PossibleDuplicates = Type.Array(
  Type.Object({
    id: Type.String(),
    number: Type.String(),
    distanceM: Type.Union([Type.Number(), Type.Null()]),
  }),
);
const Feedback = Type.Array(
  Type.Object({
    channel: Type.String(),
    content: Type.String(),
    at: Type.String(),
    by: Type.Union([Type.String(), Type.Null()]),
  }),
);

export const codec = {
  figures: jsonColumn("incidents.figures", Type.Record(Type.String(), Type.Number())),
  flags: jsonColumn("incidents.flags", Type.Array(Type.Enum(INCIDENT_FLAGS))),
  leadDepartments: jsonColumn("incidents.lead_departments", Strings),
  cooperatingDepartments: jsonColumn("incidents.cooperating_departments", Strings),
  possibleDuplicates: jsonColumn("incidents.possible_duplicates", PossibleDuplicates),
  recipients: jsonColumn("incident_deadlines.recipients", Recipients),
  eventData: jsonColumn("incident_events.data", Type.Record(Type.String(), Type.Unknown())),
  reportFields: jsonColumn("incident_reports.fields", Type.Record(Type.String(), Type.String())),
  addressees: jsonColumn("incident_reports.addressees", Strings),
  metDeadlines: jsonColumn("incident_reports.met_deadlines", Strings),
  relayTo: jsonColumn("incident_instructions.relay_to", Strings),
  feedback: jsonColumn("incident_instructions.feedback", Feedback),
};

type Decoded<Row, Json extends keyof Row, Values extends { [K in Json]: unknown }> = Omit<Row, Json> & Values;

/** An incident with its JSON columns decoded. */
export type Incident = Decoded<
  IncidentTable,
  "figures" | "flags" | "lead_departments" | "cooperating_departments" | "possible_duplicates",
  {
    figures: ReturnType<typeof codec.figures.decode>;
    flags: ReturnType<typeof codec.flags.decode>;
    lead_departments: string[];
    cooperating_departments: string[];
    possible_duplicates: ReturnType<typeof codec.possibleDuplicates.decode>;
  }
>;
export type IncidentDeadline = Decoded<
  IncidentDeadlineTable,
  "recipients",
  { recipients: ReturnType<typeof codec.recipients.decode> }
>;
export type IncidentEvent = Decoded<IncidentEventTable, "data", { data: Record<string, unknown> }>;
export type IncidentReport = Decoded<
  IncidentReportTable,
  "fields" | "addressees" | "met_deadlines",
  { fields: Record<string, string>; addressees: string[]; met_deadlines: string[] }
>;
export type IncidentInstruction = Decoded<
  IncidentInstructionTable,
  "relay_to" | "feedback",
  { relay_to: string[]; feedback: ReturnType<typeof codec.feedback.decode> }
>;

export const decodeIncident = (r: IncidentTable): Incident => ({
  ...r,
  figures: codec.figures.decode(r.figures),
  flags: codec.flags.decode(r.flags),
  lead_departments: codec.leadDepartments.decode(r.lead_departments),
  cooperating_departments: codec.cooperatingDepartments.decode(r.cooperating_departments),
  possible_duplicates: codec.possibleDuplicates.decode(r.possible_duplicates),
});
export const encodeIncident = (r: Incident): IncidentTable => ({
  ...r,
  figures: codec.figures.encode(r.figures),
  flags: codec.flags.encode(r.flags),
  lead_departments: codec.leadDepartments.encode(r.lead_departments),
  cooperating_departments: codec.cooperatingDepartments.encode(r.cooperating_departments),
  possible_duplicates: codec.possibleDuplicates.encode(r.possible_duplicates),
});
export const decodeDeadline = <R extends IncidentDeadlineTable>(
  r: R,
): Omit<R, "recipients"> & IncidentDeadline => ({
  ...r,
  recipients: codec.recipients.decode(r.recipients),
});
export const decodeEvent = (r: IncidentEventTable): IncidentEvent => ({
  ...r,
  data: codec.eventData.decode(r.data),
});
export const decodeReport = (r: IncidentReportTable): IncidentReport => ({
  ...r,
  fields: codec.reportFields.decode(r.fields),
  addressees: codec.addressees.decode(r.addressees),
  met_deadlines: codec.metDeadlines.decode(r.met_deadlines),
});
export const decodeInstruction = (r: IncidentInstructionTable): IncidentInstruction => ({
  ...r,
  relay_to: codec.relayTo.decode(r.relay_to),
  feedback: codec.feedback.decode(r.feedback),
});
