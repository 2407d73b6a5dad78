/**
 * Loads a plan profile and its org file (DESIGN §3: the server refuses to start on an invalid
 * profile). A name resolves to `plans/<name>.yaml` under the repository root; anything that looks
 * like a path is used as a path.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { PlanProfile } from "../../../../shared/plan/schema.js";
import { REPO_ROOT } from "../../config.js";
import { type OrgFile, parseYaml } from "../org/index.js";
import { lintProfileData, type Problem } from "./lint.js";

/** Thrown by loadProfile; carries every error-level problem found. */
export class PlanProfileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: Problem[],
  ) {
    super(
      `预案配置文件 ${file} 有 ${problems.length} 处错误：\n${problems.map((p) => `${p.path}: ${p.message}`).join("\n")}`,
    );
    this.name = "PlanProfileError";
  }
}

export interface LoadedProfile {
  profile: PlanProfile;
  org: OrgFile;
  /** Absolute path of the profile file. */
  file: string;
  /** Warnings found while loading (the profile is usable). */
  warnings: Problem[];
}

/** `chaoyang-2022` → `<repo>/plans/chaoyang-2022.yaml`; a path is resolved as given. */
export function resolveProfilePath(nameOrPath: string): string {
  const looksLikePath = nameOrPath.includes("/") || nameOrPath.includes("\\") || /\.ya?ml$/.test(nameOrPath);
  return looksLikePath ? path.resolve(nameOrPath) : path.join(REPO_ROOT, "plans", `${nameOrPath}.yaml`);
}

/** Reads, validates and lints a profile; throws PlanProfileError listing every error. */
export function loadProfile(nameOrPath: string): LoadedProfile {
  const file = resolveProfilePath(nameOrPath);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new PlanProfileError(file, [
      { path: "(file)", message: `无法读取文件：${(err as Error).message}`, severity: "error" },
    ]);
  }
  const parsed = parseYaml(text);
  if (parsed.problems.length > 0) {
    throw new PlanProfileError(
      file,
      parsed.problems.map((p) => ({ ...p, severity: "error" })),
    );
  }
  const { problems, profile, org } = lintProfileData(parsed.data, path.dirname(file));
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length > 0 || profile === undefined || org === undefined) {
    throw new PlanProfileError(file, errors);
  }
  return { profile, org, file, warnings: problems.filter((p) => p.severity === "warning") };
}
