import type { PlanProfile } from "../../../../shared/plan/schema.js";
import type { OrgFile } from "../org/index.js";
import { loadProfile } from "./loader.js";

/** The plan profile the server runs with, plus lookups derived from it once at start-up. */
export interface LoadedPlan {
  profile: PlanProfile;
  org: OrgFile;
  /** Category names (自然灾害 …) that district leaders can be put in charge of. */
  categoryNames: string[];
}

/**
 * Loads `FENGHUO_PLAN` (a name under plans/ or a path). An invalid profile throws with every
 * problem listed, and the server refuses to start (issue 3 §5).
 */
export function loadActivePlan(nameOrPath: string): LoadedPlan {
  const { profile, org } = loadProfile(nameOrPath);
  return { profile, org, categoryNames: profile.taxonomy.categories.map((c) => c.name) };
}
