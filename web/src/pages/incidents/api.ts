/** Types and calls of the incidents API (server/src/modules/incidents) as the duty desk uses them. */
import type { FigureKey } from "../../../../shared/incidents.js";
import type { IncidentFlag } from "../../../../shared/plan/schema.js";
import { api } from "../../api/client.js";
import type { Page } from "../../api/types.js";

export interface Deadline {
  id: string;
  incidentId: string;
  incidentNumber?: string;
  incidentTitle?: string;
  ruleId: string;
  kind: string;
  name: string;
  round: number;
  dueAt: string;
  state: "pending" | "met" | "overdue" | "cancelled";
  lateMinutes: number | null;
  metAt: string | null;
  escalatedAt: string | null;
  /** 待领导批准上报 (000 §4.1 报请区应急委相关领导批准后). */
  awaitingApproval: boolean;
  approvedByName: string | null;
  recipients: string[];
  source: string;
}

export interface Incident {
  id: string;
  number: string;
  title: string;
  categoryName: string;
  subtypeId: string;
  subtypeName: string;
  occurredAt: string;
  receivedAt: string;
  verifiedAt: string | null;
  sourceChannel: string;
  sourceDetail: string | null;
  divisionCode: string | null;
  divisionName: string | null;
  address: string | null;
  figures: Record<string, number>;
  flags: string[];
  description: string;
  level: string;
  levelName: string;
  levelConfirmed: boolean;
  levelReason: string | null;
  suggestedLevel: {
    kind: string;
    level: string | null;
    levelName: string | null;
    reason: string;
    criteria: string[];
  };
  leadDepartments: { id: string; name: string }[];
  status: "open" | "closed" | "merged";
  mergedInto: string | null;
  possibleDuplicates: { id: string; number: string; distanceM: number | null }[];
  reporterName: string | null;
  reporterPhone: string | null;
  deadlines: Deadline[];
  allowedActions: string[];
}

export interface Report {
  id: string;
  seq: number;
  kind: string;
  kindName: string;
  fields: Record<string, string>;
  addressees: string[];
  unitName: string;
  filedByName: string | null;
  filedAt: string;
  documentUrl: string;
}

export interface IncidentDetail extends Incident {
  timeline: { id: string; at: string; type: string; summary: string; actorName: string | null }[];
  reports: Report[];
  instructions: {
    id: string;
    leader: string;
    content: string;
    instructedAt: string;
    relayTo: { id: string; name: string }[];
    feedback: { channel: string; content: string; at: string; by: string | null }[];
  }[];
  mergedFrom: { id: string; number: string; title: string }[];
  requiredFields: { id: string; name: string; auxiliary: boolean }[];
  levelChoices: { id: string; name: string }[];
}

export interface IntakeMeta {
  plan: { id: string; name: string; district: { code: string; name: string } };
  numberPrefix: string;
  categories: {
    id: string;
    name: string;
    subtypes: {
      id: string;
      name: string;
      aliases: string[];
      /** What its grading criteria read, for the form to ask. */
      grading: { metrics: FigureKey[]; flags: IncidentFlag[] };
    }[];
  }[];
  levels: { id: string; name: string }[];
  requiredFields: { id: string; name: string; auxiliary: boolean }[];
}

export interface ReportPreview {
  missing: { path: string; message: string }[];
  addressees: string[];
  meets: { id: string; name: string; dueAt: string; lateMinutes: number }[];
  conflict: string | null;
}

export const incidentsApi = {
  meta: () => api.get<IntakeMeta>("/api/incidents/meta"),
  list: (query: Record<string, string | number | undefined>) =>
    api.get<Page<Incident>>("/api/incidents", query),
  get: (id: string) => api.get<IncidentDetail>(`/api/incidents/${id}`),
  register: (body: unknown) => api.post<IncidentDetail>("/api/incidents", body),
  setLevel: (id: string, level: string, reason: string) =>
    api.post<IncidentDetail>(`/api/incidents/${id}/level`, { level, reason }),
  verify: (id: string) => api.post<IncidentDetail>(`/api/incidents/${id}/verify`, {}),
  preview: (id: string, kind: string, fields: Record<string, string>) =>
    api.post<ReportPreview>(`/api/incidents/${id}/reports/preview`, { kind, fields }),
  fileReport: (id: string, kind: string, fields: Record<string, string>) =>
    api.post<Report>(`/api/incidents/${id}/reports`, { kind, fields }),
  instruct: (id: string, body: { leader: string; content: string; relayTo?: string[] }) =>
    api.post(`/api/incidents/${id}/instructions`, body),
  approveUpward: (id: string, deadlineId: string) =>
    api.post<IncidentDetail>(`/api/incidents/${id}/deadlines/${deadlineId}/approve-upward`, {}),
  merge: (id: string, into: string) => api.post<IncidentDetail>(`/api/incidents/${id}/merge`, { into }),
  overdue: () => api.get<Page<Deadline>>("/api/deadlines", { state: "overdue", limit: 100 }),
};
