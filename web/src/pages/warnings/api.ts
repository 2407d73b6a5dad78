/** Types and calls of the warnings API (server/src/modules/warnings) as the web app uses them. */

import { api } from "../../api/client.js";
import type { Page } from "../../api/types.js";

export type Colour = "blue" | "yellow" | "orange" | "red";

export interface PolygonFeature {
  type: "Feature";
  properties?: { label?: string } | null;
  geometry: { type: "Polygon"; coordinates: number[][][] };
}
export interface CircleFeature {
  type: "Feature";
  properties: { radiusKm: number; label?: string };
  geometry: { type: "Point"; coordinates: number[] };
}
export type AreaFeature = PolygonFeature | CircleFeature;

export interface WarningArea {
  divisionCodes: string[];
  features: AreaFeature[];
  description?: string;
}

export interface WarningContent {
  precautions?: string;
  situation?: string;
  governmentMeasures?: string;
  publicAdvice?: string;
  hotline?: string;
  smsText?: string;
  en?: { title?: string; description?: string; instruction?: string };
}

export interface Pending {
  kind: "adjust" | "lift";
  state: "proposed" | "submitted" | "approved";
  content: { reason?: string; changes?: Record<string, unknown> } | null;
  byName: string | null;
  at: string | null;
  approvedByName: string | null;
}

export interface WarningSummary {
  id: string;
  origin: "local" | "relayed";
  status: string;
  statusName: string;
  colour: Colour;
  colourName: string;
  title: string;
  subtypeId: string | null;
  subtypeName: string | null;
  issuingUnitId: string;
  issuingUnitName: string;
  drafterName: string;
  version: number;
  publicState: "none" | "requested" | "released";
  pending: Pending | null;
  awaiting: string[];
  onsetAt: string | null;
  expiresAt: string | null;
  publishedAt: string | null;
  endedAt: string | null;
  updatedAt: string;
  allowedActions: string[];
}

export interface Task {
  id: string;
  kind: "measure" | "door_to_door" | "filing" | "cross_area";
  no: number;
  title: string;
  unitId: string | null;
  unitName: string;
  state: "pending" | "in_progress" | "done";
  note: string | null;
  updatedAt: string;
  updatedByName: string | null;
}

export interface Warning extends WarningSummary {
  categoryName: string | null;
  content: WarningContent;
  area: WarningArea;
  areaNames: string[];
  affectsOtherAreas: boolean;
  affectedAreas: string[];
  channels: string[];
  authorisedUnitIds: string[];
  /** Who submitted (报请) it, or its pending change, to the approving leaders (000 §3.3.1 第2项). */
  submittedBy: { id: string | null; name: string } | null;
  submittedAt: string | null;
  approvedBy: { id: string | null; name: string } | null;
  approvedAt: string | null;
  releasedAt: string | null;
  rejectedReason: string | null;
  needsProposal: boolean;
  governedBy: string | null;
  response: { activatedBy: { label: string }[]; task: string; source: string } | null;
  source: {
    sender: string;
    identifier: string;
    senderName?: string;
    severity?: string;
    msgType: string;
    /** The upper level cancelled / updated its alert after this relay was published. */
    upstreamCancelled?: { identifier: string; sent: string; at: string };
    upstreamUpdated?: { identifier: string; sent: string; at: string };
  } | null;
  capSeverity: string;
  smsText: string;
  smsSegments: number;
  history: {
    at: string;
    action: string;
    actionName: string;
    actorName: string;
    version: number;
    detail: Record<string, unknown>;
  }[];
  messages: {
    seq: number;
    identifier: string;
    msgType: string;
    scope: string;
    version: number;
    sentAt: string;
  }[];
  tasks: Task[];
  deliveries: { channel: string; state: string; count: number }[];
  createdAt: string;
}

export interface Meta {
  district: { code: string; name: string };
  colours: { id: Colour; name: string; severity: string }[];
  categories: { id: string; name: string; subtypes: { id: string; name: string; aliases: string[] }[] }[];
  streets: { code: string; name: string }[];
  requiredContent: { id: string; name: string }[];
  office: string;
  canDraft: boolean;
  isOffice: boolean;
  units: { id: string; name: string }[];
}

export interface DraftInput {
  origin?: "local" | "relayed";
  colour: Colour;
  subtypeId: string;
  title: string;
  issuingUnitId?: string;
  onsetAt?: string | null;
  expiresAt?: string | null;
  content: WarningContent;
  area: WarningArea;
  affectsOtherAreas?: boolean;
  affectedAreas?: string[];
}

export interface PublicWarning {
  id: string;
  status: string;
  colour: Colour;
  colourName: string;
  title: string;
  subtypeName: string | null;
  categoryName: string | null;
  issuer: string;
  version: number;
  publishedAt: string | null;
  onsetAt: string | null;
  expiresAt: string | null;
  endedAt: string | null;
  content: Required<
    Pick<WarningContent, "precautions" | "situation" | "governmentMeasures" | "publicAdvice" | "hotline">
  >;
  area: WarningArea;
  areaNames: string[];
  capIdentifier: string | null;
}

export interface Delivery {
  channel: string;
  recipient: string;
  state: string;
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
}

export const warningsApi = {
  meta: () => api.get<Meta>("/api/warnings/meta"),
  list: (query: { inbox?: boolean; active?: boolean; status?: string; limit?: number; cursor?: string }) =>
    api.get<Page<WarningSummary>>("/api/warnings", query),
  get: (id: string) => api.get<Warning>(`/api/warnings/${id}`),
  create: (body: DraftInput) => api.post<Warning>("/api/warnings", body),
  update: (id: string, body: Partial<DraftInput>) => api.patch<Warning>(`/api/warnings/${id}`, body),
  action: (id: string, action: string, body: Record<string, unknown> = {}) =>
    api.post<Warning>(`/api/warnings/${id}/${action}`, body),
  task: (id: string, taskId: string, body: { state: string; note?: string }) =>
    api.patch<Warning>(`/api/warnings/${id}/tasks/${taskId}`, body),
  deliveries: (id: string, channel?: string) =>
    api.get<Page<Delivery>>(`/api/warnings/${id}/deliveries`, { channel, limit: 100 }),
  publicList: (state: "current" | "history") =>
    api.get<{ items: PublicWarning[] }>("/api/public/warnings", { state }),
  publicStreets: () => api.get<{ items: { code: string; name: string }[] }>("/api/public/streets"),
  subscribe: (body: Record<string, unknown>) =>
    api.post<{ status: string }>("/api/public/subscriptions", body),
};

/** Imports an upper-level CAP 1.2 alert (the XML text, wrapped in JSON so the CSRF header goes along). */
export function importCap(xml: string, unitId?: string): Promise<Warning> {
  return api.post<Warning>(`/api/cap/import${unitId ? `?unitId=${encodeURIComponent(unitId)}` : ""}`, {
    xml,
  });
}
