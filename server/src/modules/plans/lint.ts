/**
 * `fenghuo plan lint FILE` (DESIGN §3): every problem of a plan profile with its path — schema
 * errors first, then semantic checks the schema cannot express (dangling org references, subtypes
 * without a lead department, warning colours without authority, inconsistent grading thresholds,
 * unreachable response levels, duplicate ids, unknown grades).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Value } from "typebox/value";
import {
  type Party,
  type PlanProfile,
  PlanProfileSchema,
  type Threshold,
  WARNING_ACTIONS,
  WARNING_COLOURS,
  WARNING_ORIGINS,
  type WarningAction,
} from "../../../../shared/plan/schema.js";
import { type OrgFile, parseYaml, schemaProblems, validateOrgFile } from "../org/index.js";

export interface Problem {
  /** Dotted path into the profile, e.g. "taxonomy.categories[0].subtypes[3].lead[0]". */
  path: string;
  message: string;
  severity: "error" | "warning";
}

const ORIGIN_NAMES: Record<string, string> = { local: "本区", relayed: "转发" };
const ACTION_NAMES: Record<WarningAction, string> = {
  propose: "提出建议",
  approve: "批准",
  publish: "发布",
  adjust: "调整",
  lift: "解除",
  file: "备案",
};
/** Every colour of every origin needs these; the others are optional in a plan. */
const REQUIRED_WARNING_ACTIONS: readonly WarningAction[] = ["approve", "publish", "lift"];

/** Keys whose arrays hold Party objects (object elements) or unit ids (string elements). */
const PARTY_KEYS = new Set([
  "by",
  "to",
  "via",
  "approvedBy",
  "activatedBy",
  "coordinates",
  "directedBy",
  "onScene",
  "accompaniedBy",
  "commandPostBy",
  "formedBy",
  "requestTo",
  "setUpBy",
  "siteBy",
  "heldBy",
  "lead",
  "commandStaysWith",
]);
const UNIT_LIST_KEYS = new Set(["lead", "cooperating", "units"]);

type Json = unknown;

function isRecord(v: Json): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Calls `fn` for every (value, key, path) in a JSON tree. */
function walk(
  value: Json,
  pathStr: string,
  key: string,
  fn: (v: Json, key: string, p: string) => void,
): void {
  fn(value, key, pathStr);
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      walk(item, `${pathStr}[${i}]`, key, fn);
    });
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      walk(v, pathStr === "" ? k : `${pathStr}.${k}`, k, fn);
    }
  }
}

/** Semantic checks on a schema-valid profile and its (valid) org file. */
export function checkProfile(profile: PlanProfile, org: OrgFile | undefined): Problem[] {
  const problems: Problem[] = [];
  const error = (p: string, message: string) => problems.push({ path: p, message, severity: "error" });
  const warning = (p: string, message: string) => problems.push({ path: p, message, severity: "warning" });

  const unitTypes = new Map((org?.units ?? []).map((u) => [u.id, u.type]));
  const isDivisionCode = (id: string) => /^[0-9]{6,12}$/.test(id);
  const checkUnit = (id: string, p: string) => {
    if (org && !isDivisionCode(id) && !unitTypes.has(id)) {
      error(p, `组织机构文件中不存在单位“${id}”`);
    }
  };

  // ── duplicate ids ──
  const uniqueIds = (items: readonly { id: string }[], base: string, what: string) => {
    const first = new Map<string, number>();
    items.forEach((item, i) => {
      const seen = first.get(item.id);
      if (seen !== undefined) {
        error(`${base}[${i}].id`, `${what}编号“${item.id}”重复（首次出现于 ${base}[${seen}]）`);
      } else {
        first.set(item.id, i);
      }
    });
  };
  uniqueIds(profile.taxonomy.categories, "taxonomy.categories", "事件类别");
  const subtypeFirst = new Map<string, string>();
  profile.taxonomy.categories.forEach((c, ci) => {
    c.subtypes.forEach((s, si) => {
      const p = `taxonomy.categories[${ci}].subtypes[${si}]`;
      const seen = subtypeFirst.get(s.id);
      if (seen !== undefined) {
        error(`${p}.id`, `事件子类编号“${s.id}”重复（首次出现于 ${seen}）`);
      } else {
        subtypeFirst.set(s.id, p);
      }
    });
  });
  const levelLike = [
    ...profile.grading.levels.map((l, i) => ({ id: l.id, p: `grading.levels[${i}]` })),
    ...(profile.grading.belowLowest
      ? [{ id: profile.grading.belowLowest.id, p: "grading.belowLowest" }]
      : []),
    ...(profile.grading.undetermined
      ? [{ id: profile.grading.undetermined.id, p: "grading.undetermined" }]
      : []),
  ];
  const levelFirst = new Map<string, string>();
  for (const l of levelLike) {
    const seen = levelFirst.get(l.id);
    if (seen !== undefined) {
      error(`${l.p}.id`, `等级编号“${l.id}”重复（首次出现于 ${seen}）`);
    } else {
      levelFirst.set(l.id, l.p);
    }
  }
  uniqueIds(profile.response.levels, "response.levels", "响应等级");
  uniqueIds(profile.reporting.deadlines, "reporting.deadlines", "报送时限");
  uniqueIds(profile.reporting.notifications, "reporting.notifications", "通报规则");
  uniqueIds(profile.response.commandPost.groups, "response.commandPost.groups", "工作组");
  uniqueIds(profile.response.measures, "response.measures", "处置措施清单");
  uniqueIds(profile.endOfResponse.reports, "endOfResponse.reports", "总结评估报告");
  for (const table of ["special", "department"] as const) {
    const entries = profile.catalogue?.[table] ?? [];
    const seen = new Map<number, number>();
    entries.forEach((e, i) => {
      const first = seen.get(e.no);
      if (first !== undefined) {
        error(
          `catalogue.${table}[${i}].no`,
          `目录序号 ${e.no} 重复（首次出现于 catalogue.${table}[${first}]）`,
        );
      } else {
        seen.set(e.no, i);
      }
    });
  }

  // ── subtypes: leads and HQs ──
  const categoryIds = new Set(profile.taxonomy.categories.map((c) => c.id));
  profile.taxonomy.categories.forEach((c, ci) => {
    c.subtypes.forEach((s, si) => {
      const p = `taxonomy.categories[${ci}].subtypes[${si}]`;
      if (s.lead.length === 0) {
        error(`${p}.lead`, `事件子类“${s.name}”没有主责部门`);
      }
      if (s.hq !== undefined && org && unitTypes.has(s.hq) && unitTypes.get(s.hq) !== "special_hq") {
        error(`${p}.hq`, `单位“${s.hq}”不是专项应急指挥部`);
      }
      (s.alsoIn ?? []).forEach((id, i) => {
        if (!categoryIds.has(id)) {
          error(`${p}.alsoIn[${i}]`, `未知的事件类别“${id}”`);
        }
      });
    });
  });

  // ── org references and parties, anywhere in the profile ──
  walk(profile, "", "", (value, key, p) => {
    if (typeof value === "string" && /\[[0-9]+\]$/.test(p) && UNIT_LIST_KEYS.has(key)) {
      checkUnit(value, p);
    }
    if (typeof value === "string" && (key === "hq" || key === "authorisedBy") && !p.endsWith("]")) {
      checkUnit(value, p);
    }
    if (isRecord(value) && PARTY_KEYS.has(key) && /\[[0-9]+\]$/.test(p)) {
      const party = value as Party;
      if (party.role === undefined && party.scope === undefined && party.unit === undefined) {
        error(p, "须至少指定 role、scope 或 unit 之一");
      }
      if (party.role === "admin") {
        // The system administrator administers the system; the plan gives him no authority (parties.ts).
        error(`${p}.role`, "系统管理员不承担预案职责，不能作为预案参与方");
      }
      if (party.unit !== undefined) {
        checkUnit(party.unit, `${p}.unit`);
      }
      const namesOffice =
        party.scope === "emergency_office" ||
        (party.unit !== undefined && unitTypes.get(party.unit) === "office");
      if (party.excludesDutyRoom === true && org && !namesOffice) {
        // Only the emergency office has a duty room acting for it (parties.ts, 000 §2.1.3).
        error(
          `${p}.excludesDutyRoom`,
          "excludesDutyRoom 只适用于区应急办（unit 为 office 类单位或 scope: emergency_office）",
        );
      }
    }
  });

  // ── grade references ──
  const levelIds = new Set(profile.grading.levels.map((l) => l.id));
  const gradeIds = new Set(levelLike.map((l) => l.id));
  walk(profile, "", "", (value, key, p) => {
    if (typeof value !== "string") {
      return;
    }
    const inArray = /\[[0-9]+\]$/.test(p);
    if ((key === "levels" || key === "grades") && inArray && !gradeIds.has(value)) {
      error(p, `未知的等级“${value}”`);
    }
    if (key === "levelAtLeast") {
      if (!gradeIds.has(value)) {
        error(p, `未知的等级“${value}”`);
      } else if (!levelIds.has(value) && value !== profile.grading.belowLowest?.id) {
        error(p, `“${value}”不是分级等级，不能用于 levelAtLeast`);
      }
    }
  });

  // ── grading criteria ──
  const rankOf = new Map(profile.grading.levels.map((l) => [l.id, l.rank]));
  const nameOf = new Map(profile.grading.levels.map((l) => [l.id, l.name]));
  profile.grading.criteria.forEach((set, ci) => {
    const base = `grading.criteria[${ci}]`;
    set.subtypes.forEach((id, i) => {
      if (!subtypeFirst.has(id)) {
        error(`${base}.subtypes[${i}]`, `未知的事件子类“${id}”`);
      }
    });
    interface Range {
      level: string;
      t: Threshold;
      p: string;
    }
    const groups = new Map<string, Range[]>();
    set.levels.forEach((entry, li) => {
      const lp = `${base}.levels[${li}]`;
      if (!levelIds.has(entry.level)) {
        error(`${lp}.level`, `未知的等级“${entry.level}”`);
        return;
      }
      entry.any.forEach((criterion, ki) => {
        (criterion.all ?? []).forEach((t, ti) => {
          const tp = `${lp}.any[${ki}].all[${ti}]`;
          if (t.min === undefined && t.max === undefined) {
            error(tp, "阈值须至少指定 min 或 max");
          }
          if (t.min !== undefined && t.max !== undefined && t.min >= t.max) {
            error(tp, `阈值下限 ${t.min} 不小于上限 ${t.max}`);
          }
        });
        // Only single-metric criteria are comparable across levels.
        const only = criterion.all?.length === 1 ? criterion.all[0] : undefined;
        if (only) {
          const key = `${only.metric}|${[...(criterion.requiresFlags ?? [])].sort().join(",")}`;
          const list = groups.get(key) ?? [];
          list.push({ level: entry.level, t: only, p: `${lp}.any[${ki}].all[0]` });
          groups.set(key, list);
        }
      });
    });
    for (const ranges of groups.values()) {
      for (let i = 0; i < ranges.length; i++) {
        for (let j = i + 1; j < ranges.length; j++) {
          const a = ranges[i];
          const b = ranges[j];
          if (!a || !b || a.level === b.level) {
            continue;
          }
          const [lo, hi] = (rankOf.get(a.level) ?? 0) < (rankOf.get(b.level) ?? 0) ? [a, b] : [b, a];
          const loName = nameOf.get(lo.level) ?? lo.level;
          const hiName = nameOf.get(hi.level) ?? hi.level;
          if (intervalsOverlap(lo.t, hi.t)) {
            error(hi.p, `“${hiName}”与“${loName}”在指标“${hi.t.metric}”上的阈值区间重叠`);
          } else if (intervalBelow(hi.t, lo.t)) {
            error(hi.p, `指标“${hi.t.metric}”的阈值随等级不单调：“${hiName}”的区间低于“${loName}”`);
          }
        }
      }
    }
  });

  // ── warnings ──
  const colourRanks = profile.warnings.colours.map((c) => ({ id: c.id, rank: c.rank }));
  const sortedByRank = [...colourRanks].sort((a, b) => a.rank - b.rank).map((c) => c.id);
  const canonical = WARNING_COLOURS.filter((c) => sortedByRank.includes(c));
  if (
    sortedByRank.join(",") !== canonical.join(",") ||
    new Set(colourRanks.map((c) => c.rank)).size !== colourRanks.length
  ) {
    error("warnings.colours", "预警颜色等级顺序必须为 蓝<黄<橙<红，且等级不能相同");
  }
  const colourNames = new Map(profile.warnings.colours.map((c) => [c.id, c.name]));
  for (const origin of WARNING_ORIGINS) {
    const entries = profile.warnings.authority.map((a, i) => ({ a, i })).filter((x) => x.a.origin === origin);
    if (entries.length === 0 && origin === "relayed") {
      continue; // a plan may say nothing about relaying upper-level warnings
    }
    for (const c of profile.warnings.colours) {
      const covering = entries.filter((x) => x.a.colours.includes(c.id));
      if (covering.length === 0) {
        error("warnings.authority", `${ORIGIN_NAMES[origin]}${c.name}预警没有权限规则`);
        continue;
      }
      if (covering.length > 1) {
        const second = covering[1];
        if (second) {
          error(
            `warnings.authority[${second.i}].colours`,
            `${ORIGIN_NAMES[origin]}${c.name}预警有多条权限规则`,
          );
        }
      }
    }
  }
  profile.warnings.authority.forEach((a, i) => {
    const names = a.colours.map((c) => colourNames.get(c) ?? c).join("、");
    for (const action of WARNING_ACTIONS) {
      const rule = a[action];
      if (rule === undefined) {
        if (REQUIRED_WARNING_ACTIONS.includes(action)) {
          error(
            `warnings.authority[${i}]`,
            `${ORIGIN_NAMES[a.origin]}${names}预警没有“${ACTION_NAMES[action]}”权限`,
          );
        }
        continue;
      }
      if (rule.by.length === 0) {
        error(`warnings.authority[${i}].${action}.by`, `“${ACTION_NAMES[action]}”没有指定执行者`);
      }
      if (action === "file" && (rule.to ?? []).length === 0) {
        error(`warnings.authority[${i}].file.to`, "备案没有指定接收单位");
      }
    }
  });
  profile.warnings.exclusions.forEach((e, i) => {
    e.subtypes.forEach((id, j) => {
      if (!subtypeFirst.has(id)) {
        error(`warnings.exclusions[${i}].subtypes[${j}]`, `未知的事件子类“${id}”`);
      }
    });
  });

  // ── reporting ──
  const deadlineIds = new Set(profile.reporting.deadlines.map((d) => d.id));
  profile.reporting.deadlines.forEach((d, i) => {
    if (d.kind === "continuing" && d.recurrenceMinutes === undefined) {
      error(`reporting.deadlines[${i}].recurrenceMinutes`, "续报规则缺少 recurrenceMinutes");
    }
  });
  profile.reporting.notifications.forEach((n, i) => {
    if (n.dueWith !== undefined && !deadlineIds.has(n.dueWith)) {
      error(`reporting.notifications[${i}].dueWith`, `未知的报送时限“${n.dueWith}”`);
    }
    if ((n.clockStart === undefined) !== (n.minutes === undefined)) {
      error(`reporting.notifications[${i}]`, "clockStart 与 minutes 须同时指定");
    }
  });
  (profile.reporting.upward?.deadlines ?? []).forEach((id, i) => {
    if (!deadlineIds.has(id)) {
      error(`reporting.upward.deadlines[${i}]`, `未知的报送时限“${id}”`);
    }
  });

  // ── response levels: every grade reaches exactly one level, every level is reachable ──
  const gradeToLevel = new Map<string, number>();
  profile.response.levels.forEach((r, i) => {
    if (r.grades.length === 0) {
      error(`response.levels[${i}].grades`, `响应等级“${r.name}”没有对应任何事件等级，无法到达`);
    }
    r.grades.forEach((g, gi) => {
      const seen = gradeToLevel.get(g);
      if (seen !== undefined) {
        error(
          `response.levels[${i}].grades[${gi}]`,
          `事件等级“${g}”同时对应多个响应等级（另见 response.levels[${seen}]）`,
        );
      } else {
        gradeToLevel.set(g, i);
      }
    });
  });
  for (const l of levelLike) {
    if (l.id === profile.grading.undetermined?.id) {
      continue; // a person decides the response while the grade is not yet determinable
    }
    if (!gradeToLevel.has(l.id)) {
      warning("response.levels", `事件等级“${l.id}”没有对应的响应等级`);
    }
  }
  profile.response.measures.forEach((m, i) => {
    m.categories.forEach((id, j) => {
      if (!categoryIds.has(id)) {
        error(`response.measures[${i}].categories[${j}]`, `未知的事件类别“${id}”`);
      }
    });
  });
  for (const c of profile.taxonomy.categories) {
    if (!profile.response.measures.some((m) => m.categories.includes(c.id))) {
      warning("response.measures", `事件类别“${c.name}”没有处置措施清单`);
    }
  }

  // ── catalogue ──
  for (const table of ["special", "department"] as const) {
    (profile.catalogue?.[table] ?? []).forEach((e, i) => {
      if (e.lead.length === 0 && e.gap === undefined) {
        error(`catalogue.${table}[${i}].lead`, `预案“${e.name}”没有牵头编制部门，也没有 gap 说明`);
      }
    });
  }

  // ── resources: dispatch rules (000 §6.7 supplies, §6.2 teams) ──
  const dispatchLists = [
    ["resources.supplyDispatch", profile.resources.supplyDispatch, "物资调用"],
    ["resources.teamDispatch", profile.resources.teamDispatch ?? [], "队伍调派"],
  ] as const;
  for (const [base, rules, what] of dispatchLists) {
    const seen = new Map<string, number>();
    rules.forEach((r, i) => {
      const first = seen.get(r.case);
      if (first !== undefined) {
        error(`${base}[${i}].case`, `${what}情形“${r.case}”重复（首次出现于 ${base}[${first}]）`);
      } else {
        seen.set(r.case, i);
      }
      r.steps.forEach((step, si) => {
        if (step.by.length === 0) {
          error(`${base}[${i}].steps[${si}].by`, `步骤“${step.name}”没有指定由谁办理`);
        }
      });
    });
  }
  if (profile.resources.teamDispatch) {
    // teamDispatchRule falls back to these two for every team kind the profile does not name.
    for (const needed of ["own", "other_unit"] as const) {
      if (!profile.resources.teamDispatch.some((r) => r.case === needed)) {
        error("resources.teamDispatch", `队伍调派规则缺少“${needed}”情形（未单列的队伍均按它调派）`);
      }
    }
  }

  // ── org file agrees with the profile ──
  if (org && org.district.code !== profile.meta.district.code) {
    error("meta.district.code", `与组织机构文件的行政区划代码“${org.district.code}”不一致`);
  }
  return problems;
}

function lowerBound(t: Threshold): number {
  return t.min ?? Number.NEGATIVE_INFINITY;
}

function upperBound(t: Threshold): number {
  return t.max ?? Number.POSITIVE_INFINITY;
}

/** Whether two threshold intervals share at least one value. */
function intervalsOverlap(a: Threshold, b: Threshold): boolean {
  const touches = (lo: Threshold, hi: Threshold) =>
    upperBound(lo) === lowerBound(hi) && lo.maxInclusive === true && hi.minInclusive !== false;
  if (upperBound(a) < lowerBound(b) || upperBound(b) < lowerBound(a)) {
    return false;
  }
  if (upperBound(a) === lowerBound(b)) {
    return touches(a, b);
  }
  if (upperBound(b) === lowerBound(a)) {
    return touches(b, a);
  }
  return true;
}

/** Whether interval a lies entirely below interval b. */
function intervalBelow(a: Threshold, b: Threshold): boolean {
  return upperBound(a) <= lowerBound(b);
}

/** Lints parsed profile data; the org file is resolved relative to `profileDir`. */
export function lintProfileData(
  data: unknown,
  profileDir: string,
): { problems: Problem[]; profile?: PlanProfile; org?: OrgFile } {
  if (!Value.Check(PlanProfileSchema, data)) {
    const problems = schemaProblems(Value.Errors(PlanProfileSchema, data)).map(
      (p): Problem => ({ ...p, severity: "error" }),
    );
    return { problems };
  }
  const profile = data;
  const orgPath = path.resolve(profileDir, profile.meta.orgFile);
  let org: OrgFile | undefined;
  const problems: Problem[] = [];
  let orgText: string | undefined;
  try {
    orgText = readFileSync(orgPath, "utf8");
  } catch {
    problems.push({
      path: "meta.orgFile",
      message: `无法读取组织机构文件“${profile.meta.orgFile}”`,
      severity: "error",
    });
  }
  if (orgText !== undefined) {
    const parsed = parseYaml(orgText);
    const validated =
      parsed.problems.length > 0 ? { problems: parsed.problems } : validateOrgFile(parsed.data);
    for (const p of validated.problems) {
      problems.push({ path: `meta.orgFile→${p.path}`, message: p.message, severity: "error" });
    }
    org = "file" in validated ? validated.file : undefined;
  }
  problems.push(...checkProfile(profile, org));
  return { problems, profile, ...(org ? { org } : {}) };
}

/** Every problem of the profile file at `file` (schema, org file, semantics). */
export function lintProfile(file: string): Problem[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    return [{ path: "(file)", message: `无法读取文件：${(err as Error).message}`, severity: "error" }];
  }
  const parsed = parseYaml(text);
  if (parsed.problems.length > 0) {
    return parsed.problems.map((p) => ({ ...p, severity: "error" }));
  }
  return lintProfileData(parsed.data, path.dirname(path.resolve(file))).problems;
}

/** `fenghuo plan lint FILE`: prints each problem as `path: message`; exit code 1 on any error. */
export function runPlanLint(file: string, out: { write(chunk: string): unknown }): number {
  const problems = lintProfile(file);
  for (const p of problems) {
    out.write(`${p.path}: ${p.severity === "warning" ? "（警告）" : ""}${p.message}\n`);
  }
  const errors = problems.filter((p) => p.severity === "error").length;
  const warnings = problems.length - errors;
  out.write(
    errors === 0
      ? `${file}：校验通过${warnings > 0 ? `（${warnings} 条警告）` : ""}\n`
      : `${file}：${errors} 处错误，${warnings} 条警告\n`,
  );
  return errors === 0 ? 0 : 1;
}
