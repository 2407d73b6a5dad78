import path from "node:path";
import type { PlanProfile } from "../../../../shared/plan/schema.js";
import { REPO_ROOT } from "../../config.js";
import { type OrgFile, readOrgFile } from "../org/orgFile.js";

export interface LoadedPlan {
  profile: PlanProfile;
  org: OrgFile;
  categoryNames: string[];
}
// TEMPORARY until loader.ts lands
export function loadActivePlan(_n: string): LoadedPlan {
  const org = readOrgFile(path.join(REPO_ROOT, "plans/org/chaoyang.yaml"));
  const categoryNames = ["自然灾害", "事故灾难", "公共卫生事件", "社会安全事件"];
  return {
    profile: { meta: { id: "chaoyang-2022", name: "朝阳" } } as unknown as PlanProfile,
    org,
    categoryNames,
  };
}
