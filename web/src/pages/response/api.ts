/** Types and calls of the response API (server/src/modules/response) as the workspace uses them. */

import { api } from "../../api/client.js";
import type { Page } from "../../api/types.js";

export interface Named {
  id: string;
  name: string;
}

export interface Task {
  id: string;
  title: string;
  detail: string | null;
  groupId: string | null;
  groupKey: string | null;
  unitId: string | null;
  assignee: string;
  dueAt: string | null;
  status: "pending" | "in_progress" | "done" | "cancelled";
  overdue: boolean;
  overdueAt: string | null;
  measureRef: string | null;
  notes: { at: string; by: string | null; text: string }[];
  completedAt: string | null;
  createdByName: string | null;
  createdAt: string;
  allowedActions: string[];
}

export interface Group {
  id: string;
  key: string;
  name: string;
  fromPlan: boolean;
  lead: { label: string; units: Named[] }[];
  leaderName: string | null;
  leaderPhone: string | null;
  members: { unitId: string | null; name: string; phone: string | null }[];
  duties: string[];
  source: string | null;
}

export interface Geometry {
  type: "LineString" | "Polygon";
  coordinates: number[][] | number[][][];
}

export interface Post {
  id: string;
  name: string;
  address: string;
  lat: number | null;
  lng: number | null;
  roles: { roleId: string; name: string; holderName: string; userId: string | null; phone: string | null }[];
  contacts: string;
  state: string;
  setUpByName: string | null;
  createdAt: string;
  closedAt: string | null;
  groups: Group[];
  handovers: {
    id: string;
    roleId: string;
    fromName: string | null;
    toName: string;
    note: string | null;
    at: string;
  }[];
  checkins: {
    id: string;
    kind: string;
    name: string;
    unitName: string | null;
    quantity: number | null;
    dispatchId: string | null;
    at: string;
  }[];
  cordons: { id: string; kind: string; name: string; geometry: Geometry; createdAt: string }[];
  announcement: string;
}

export interface Workspace {
  incident: {
    id: string;
    number: string;
    title: string;
    status: string;
    grade: string;
    gradeName: string;
    categoryName: string;
    subtypeName: string;
    occurredAt: string;
    receivedAt: string;
    place: string;
    lat: number | null;
    lng: number | null;
    figures: Record<string, number>;
    handlingEndedAt: string | null;
  };
  response: {
    id: string;
    level: string;
    levelName: string;
    rank: number;
    state: "active" | "end_requested" | "ended";
    activatedAt: string;
    activatedByName: string | null;
    activatingUnit: Named;
    mechanism: string | null;
    upperLevelRequest: string | null;
    onScene: string[];
    endRequestedAt: string | null;
    endRequestedByName: string | null;
    endRequestNote: string | null;
    endedAt: string | null;
    endedByName: string | null;
    endApprovedByName: string | null;
    endSummary: string | null;
    endAnnouncement: { unit: Named; announcedAt: string; docNo: string } | null;
    causes: string;
    lessons: string;
    improvements: string;
  } | null;
  levelChanges: {
    id: string;
    kind: string;
    fromName: string | null;
    toName: string;
    gradeName: string;
    justified: boolean;
    reason: string | null;
    byName: string | null;
    at: string;
  }[];
  decisions: {
    id: string;
    decisionText: string;
    content: string;
    proposedBy: string | null;
    meeting: string | null;
    approvedByName: string;
    approvedAs: string;
    decidedAt: string;
  }[];
  post: Post | null;
  tasks: Task[];
  assessments: {
    id: string;
    name: string;
    mandatory: boolean;
    targetAt: string;
    hardCapAt: string | null;
    state: string;
    submittedAt: string | null;
    recipients: string[];
    source: string;
  }[];
  timeliness: {
    name: string;
    dueAt: string;
    metAt: string | null;
    verdict: string;
    verdictLabel: string;
    minutes: number | null;
  }[];
  timeline: { id: string; at: string; type: string; summary: string; actorName: string | null }[];
  reports: { id: string; seq: number; kind: string; filedAt: string }[];
  dispatches: {
    id: string;
    resourceType: string;
    resourceName: string;
    quantity: number;
    state: string;
    lat: number | null;
    lng: number | null;
  }[];
  warnings: { id: string; title: string; colour: string; status: string; publishedAt: string | null }[];
  plan: {
    levels: {
      id: string;
      name: string;
      rank: number;
      activatedBy: string[];
      alsoWhen: string[];
      source: string;
    }[];
    expectedLevel: string | null;
    decisionTypes: { id: string; no: number; text: string }[];
    decisionApplies: boolean;
    decisionProposers: Named[];
    postRoles: { id: string; name: string; heldBy: string[] }[];
    groups: { key: string; name: string; lead: { label: string; units: Named[] }[] }[];
    checklist: { ref: string; no: number; text: string }[];
    endBy: string[];
    endApprovedBy: string[];
    /** 000 §4.9 较大以上: the end records this body's announcement (市属部门). */
    endAnnouncedBy: { label: string; units: Named[] } | null;
    endConditions: string | null;
  };
  allowedActions: string[];
  /** Level ids the user may activate, upgrade to, downgrade to (the server's policy). */
  levelOptions: { activate: string[]; upgrade: string[]; downgrade: string[] };
}

export interface ResponseSummary {
  id: string;
  incidentId: string;
  incidentNumber: string;
  incidentTitle: string;
  gradeName: string;
  subtypeName: string;
  levelName: string;
  state: "active" | "end_requested" | "ended";
  activatedAt: string;
  endedAt: string | null;
  overdueTasks: number;
}

export interface OpenIncident {
  id: string;
  number: string;
  title: string;
  levelName: string;
  subtypeName: string;
  receivedAt: string;
}

const base = (id: string) => `/api/incidents/${id}`;

export const responseApi = {
  list: (state?: string) => api.get<Page<ResponseSummary>>("/api/responses", { state, limit: 100 }),
  openIncidents: () => api.get<Page<OpenIncident>>("/api/incidents", { status: "open", limit: 100 }),
  workspace: (id: string) => api.get<Workspace>(`${base(id)}/response`),
  activate: (id: string, level: string, reason?: string) =>
    api.post<Workspace>(`${base(id)}/response`, { level, ...(reason ? { reason } : {}) }),
  changeLevel: (id: string, kind: "upgrade" | "downgrade", level: string, reason: string) =>
    api.post<Workspace>(`${base(id)}/response/${kind}`, { level, reason }),
  end: (id: string, summary?: string, announcement?: EndAnnouncement) =>
    api.post<Workspace>(`${base(id)}/response/end`, {
      ...(summary ? { summary } : {}),
      ...(announcement ? { announcement } : {}),
    }),
  decide: (id: string, body: Record<string, unknown>) => api.post(`${base(id)}/decisions`, body),
  createPost: (id: string, body: Record<string, unknown>) => api.post<Post>(`${base(id)}/command-post`, body),
  saveGroup: (postId: string, body: Record<string, unknown>) =>
    api.post<Post>(`/api/command-posts/${postId}/groups`, body),
  handover: (postId: string, body: Record<string, unknown>) =>
    api.post<Post>(`/api/command-posts/${postId}/handover`, body),
  checkin: (postId: string, body: Record<string, unknown>) =>
    api.post<Post>(`/api/command-posts/${postId}/checkins`, body),
  cordon: (postId: string, body: Record<string, unknown>) =>
    api.post<Post>(`/api/command-posts/${postId}/cordons`, body),
  createTask: (id: string, body: Record<string, unknown>) => api.post<Task>(`${base(id)}/tasks`, body),
  checklist: (id: string, body: Record<string, unknown>) =>
    api.post<{ items: Task[] }>(`${base(id)}/tasks/checklist`, body),
  updateTask: (taskId: string, body: Record<string, unknown>) =>
    api.patch<Task>(`/api/tasks/${taskId}`, body),
  situation: (id: string) =>
    api.get<{ fields: Record<string, string>; requiredFields: { id: string; name: string }[] }>(
      `${base(id)}/situation-report`,
    ),
  fileContinuing: (id: string, fields: Record<string, string>) =>
    api.post(`${base(id)}/reports`, { kind: "continuing", fields }),
  saveAssessment: (id: string, body: Record<string, string>) =>
    api.put<Workspace>(`${base(id)}/assessment`, body),
  submitAssessment: (id: string) => api.post<Workspace>(`${base(id)}/assessment/submit`, {}),
  docxUrl: (id: string) => `${base(id)}/assessment.docx`,
  pdfUrl: (id: string) => `${base(id)}/assessment.pdf`,
};

/** The city department's announcement of the end (000 §4.9 较大以上). */
export interface EndAnnouncement {
  unitId: string;
  announcedAt: string;
  docNo: string;
}
