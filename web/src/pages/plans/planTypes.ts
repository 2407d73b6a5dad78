import type { PlanProfile } from "../../../../shared/plan/schema.js";

export interface UnitRef {
  id: string;
  name: string;
  short: string | null;
}

/** GET /api/plan */
export interface PlanResponse {
  profile: PlanProfile;
  units: Record<string, UnitRef>;
}

export interface SourceSection {
  doc: string;
  section: string;
  title: string;
  text: string;
}

export interface CatalogueEntry {
  no: number;
  heading: string;
  name: string;
  lead: UnitRef[];
  source: string;
}
