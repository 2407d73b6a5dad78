/** Types and calls of the resources API (server/src/modules/resources) as the web app uses them. */
import type { Feature } from "geojson";
import type { TFunction } from "i18next";
import { useEffect, useState } from "react";
import { api } from "../../api/client.js";

export interface FieldDescription {
  key: string;
  label: string;
  type: "text" | "int" | "number" | "enum" | "list" | "phone" | "date" | "unit" | "lat" | "lng" | "ref";
  required: boolean;
  system: boolean;
  filter: boolean;
  options: { value: string; label: string }[] | null;
  min: number | null;
  max: number | null;
  help: string | null;
}

export interface RegistryDescription {
  name: RegistryName;
  label: string;
  owned: boolean;
  geoKind: string | null;
  tagField: string | null;
  fields: FieldDescription[];
}

export type RegistryName =
  | "teams"
  | "experts"
  | "warehouses"
  | "supplies"
  | "agreements"
  | "shelters"
  | "equipment";

export type ResourceRecord = Record<string, unknown> & {
  id: string;
  code: string;
  name: string;
  ownerUnitId?: string;
  ownerUnitName?: string;
  createdAt: string;
  updatedAt: string;
  allowedActions: string[];
};

export interface HistoryItem {
  seq: number;
  at: string;
  action: string;
  actorName: string | null;
  before: unknown;
  after: unknown;
}

export interface ImportJob {
  id: string;
  registry: string;
  mode: string;
  fileName: string | null;
  state: "running" | "done" | "failed";
  phase: "parse" | "validate" | "write" | "done" | "failed";
  total: number;
  processed: number;
  created: number;
  updated: number;
  errors: { row: number; column: string; field: string; value: string | null; message: string }[];
  errorCount: number;
  detail: string | null;
}

export interface StockLine {
  id: string;
  warehouseId: string;
  warehouseCode: string;
  warehouseName: string;
  ownerUnitId: string;
  ownerUnitName: string;
  supplyId: string;
  supplyCode: string;
  supplyName: string;
  category: string;
  unit: string;
  batch: string;
  expiryDate: string | null;
  expiry: "expired" | "expiring" | "ok" | "none";
  reserveMode: string;
  quantity: number;
  updatedAt: string;
  allowedActions: string[];
}

export interface Movement {
  id: string;
  stockId: string;
  warehouseName: string;
  supplyName: string;
  unit: string;
  kind: string;
  delta: number;
  balanceAfter: number;
  reason: string | null;
  actorName: string | null;
  at: string;
}

export interface GeoPoint {
  kind: string;
  id: string;
  name: string;
  lat: number;
  lng: number;
  category: string | null;
  status: string | null;
  tags: string[];
  ownerUnitId: string | null;
  ownerUnitName: string | null;
  distanceM?: number;
}

export interface Basemap {
  district: { code: string; name: string };
  centre: { lat: number; lng: number };
  outline: Feature | null;
  tileUrl: string | null;
  tileAttribution: string | null;
}

export interface DispatchStep {
  action: string;
  name: string;
  by: { label: string }[];
  doneBy: string | null;
  doneByName: string | null;
  doneAt: string | null;
  comment: string | null;
}

export interface Dispatch {
  id: string;
  incidentId: string;
  resourceType: "team" | "stock" | "equipment";
  resourceId: string;
  resourceName: string;
  quantity: number;
  unit: string | null;
  requestingUnitId: string;
  requestingUnitName: string;
  owningUnitId: string;
  owningUnitName: string;
  ruleCase: string;
  ruleName: string;
  steps: DispatchStep[];
  pending: { name: string; by: string[] } | null;
  state: string;
  destination: string | null;
  lat: number | null;
  lng: number | null;
  note: string | null;
  returnedQuantity: number | null;
  requestedByName: string | null;
  createdAt: string;
  updatedAt: string;
  dispatchedAt: string | null;
  arrivedAt: string | null;
  closedAt: string | null;
  allowedActions: string[];
}

export interface RulePreview {
  case: string;
  name: string;
  source: string;
  gap: string | null;
  steps: { action: string; name: string; by: string[] }[];
}

let registriesPromise: Promise<{ registries: RegistryDescription[]; stock: FieldDescription[] }> | undefined;

/** The registry descriptions (fields, labels, allowed values), fetched once per page load. */
export function loadRegistries() {
  registriesPromise ??= api
    .get<{ registries: RegistryDescription[]; stock: FieldDescription[] }>("/api/resources/registries")
    .catch((e: unknown) => {
      registriesPromise = undefined;
      throw e;
    });
  return registriesPromise;
}

export function useRegistries() {
  const [state, setState] = useState<{ data?: Awaited<ReturnType<typeof loadRegistries>>; error?: unknown }>(
    {},
  );
  useEffect(() => {
    let live = true;
    loadRegistries()
      .then((data) => live && setState({ data }))
      .catch((error: unknown) => live && setState({ error }));
    return () => {
      live = false;
    };
  }, []);
  return state;
}

/** Reads a file as base64 for the JSON upload the import route accepts. */
export function fileToBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(",") + 1));
    };
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

/** A browser download of a server file (exports, templates): the session cookie goes along. */
export function download(path: string, query: Record<string, string | undefined> = {}) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== "") {
      params.set(k, v);
    }
  }
  const qs = params.toString();
  const a = document.createElement("a");
  a.href = qs ? `${path}?${qs}` : path;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export function formatDistance(m: number, t: TFunction) {
  return m >= 1000
    ? t("resources.map.km", { km: (m / 1000).toFixed(m >= 10_000 ? 0 : 1) })
    : t("resources.map.m", { m: String(Math.round(m)) });
}
