/**
 * Who may do what in a response, as one typed policy. Authority the plan profile names (who activates
 * a level, who changes it, who decides for the committee, who sets up the post, who declares or
 * approves the end, who drafts the assessment) is a `PartyRequirement` over the response's
 * `PartyCase`, so a 403 names those parties with the seed section. Work on the scene (groups,
 * check-ins, cordons, tasks, the 续报 draft) is open to the emergency office, the people the post
 * names and the units running the response. `state` says why the response's state refuses (409).
 * Commands authorize on the rows read in their transaction; the workspace's `allowedActions` and
 * `levelOptions` come from the same rules.
 */
import type { ResponseLevel } from "../../../../shared/plan/schema.js";
import {
  allowedActions,
  anyone,
  can,
  check,
  definePolicy,
  type PartyRequirement,
} from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import { actsForUnit, fills, isEmergencyOffice, type PlanData } from "../plans/index.js";
import type { Loaded } from "./case.js";
import type { ResponseTask } from "./repository.js";
import {
  activators,
  assessmentEditors,
  commandPostApplies,
  commandPostSetUpBy,
  decisionApplies,
  decisionDeciders,
  endRule,
  findResponseLevel,
  gradeName,
  responseLevels,
  responsePartyCase,
} from "./rules.js";

/** One incident's response as the policy sees it, read in the command's transaction. */
export interface ResponseResource {
  plan: PlanData;
  l: Loaded;
  /** Names units in the 403s ("主责部门（本事件：区城管委）"). */
  unitName: (id: string) => string;
  /** Units running the response: the activating unit, the lead departments (and HQ host), the street, the post's. */
  staffUnitIds: readonly string[];
  /** The level asked for by activate / upgrade / downgrade; without it, any level the user may choose. */
  target?: ResponseLevel | undefined;
  /** How a committee decision was started; without it, either way. */
  trigger?: "leader" | "proposal" | undefined;
  /** The task being updated, with its unit and its group's lead and member units. */
  task?: { row: ResponseTask; unitIds: readonly string[]; changesState: boolean } | undefined;
  /** Assessment reports of the ended response, when the command reads them. */
  assessments?: { pending: number; total: number } | undefined;
}

export type ResponseAction =
  | "activate"
  | "upgrade"
  | "downgrade"
  | "decide"
  | "createPost"
  | "operate"
  | "operatePost"
  | "updateTask"
  | "draftReport"
  | "requestEnd"
  | "end"
  | "approveEnd"
  | "editAssessment"
  | "submitAssessment"
  | "read";

// ---------------------------------------------------------------------------------------------
// the scene
// ---------------------------------------------------------------------------------------------

/** 区应急办 incl. 总值班室: coordinates and keeps the record of every response (000 §2.1.3, §4.3.3). */
const office = check<ResponseResource>("区应急办（含总值班室）", (u, r) => isEmergencyOffice(r.plan, u));

/** 000 §4.4 实行指挥长负责制: the post's commander and the people it names in its roles. */
const onScene = check<ResponseResource>("现场指挥部指挥长、执行指挥（或持有现场指挥长角色者）", (u, r) =>
  fills(r.plan, u, { role: "commander" }, responsePartyCase(r.l.case)),
);

const staffUnit = check<ResponseResource>("启动响应的单位、主责部门或属地街道（乡）的人员", (u, r) =>
  r.staffUnitIds.some((id) => actsForUnit(r.plan, u, id)),
);

const assignedUnit = check<ResponseResource>("任务承办单位（含承办工作组的牵头、成员单位）的人员", (u, r) =>
  (r.task?.unitIds ?? []).some((id) => actsForUnit(r.plan, u, id)),
);

// ---------------------------------------------------------------------------------------------
// state
// ---------------------------------------------------------------------------------------------

function merged(r: ResponseResource): string | undefined {
  const i = r.l.incident;
  return i.status === "merged" ? `事件 ${i.number} 已合并到其他事件，请在合并后的事件上操作` : undefined;
}

function notRunning(r: ResponseResource): string | undefined {
  const { incident, response } = r.l;
  if (!response) {
    return `事件 ${incident.number} 尚未启动应急响应`;
  }
  if (response.state === "ended") {
    return `事件 ${incident.number} 的应急响应已于 ${response.ended_at} 结束`;
  }
  return undefined;
}

/** A level is changed only while the response runs, not once its end is asked (the row moves only from active). */
function endAsked(r: ResponseResource): string | undefined {
  return r.l.response?.state === "end_requested"
    ? "应急响应状态已变化（可能已请示或宣布结束），请刷新后再试"
    : undefined;
}

function postClosed(r: ResponseResource): string | undefined {
  const { incident, post } = r.l;
  if (!post) {
    return `事件 ${incident.number} 尚未设立现场指挥部`;
  }
  return post.state !== "active" ? `现场指挥部“${post.name}”已撤销` : undefined;
}

const first =
  (...reasons: ((r: ResponseResource) => string | undefined)[]) =>
  (r: ResponseResource) => {
    for (const reason of reasons) {
      const problem = reason(r);
      if (problem !== undefined) {
        return problem;
      }
    }
    return undefined;
  };

// ---------------------------------------------------------------------------------------------
// the plan's authority
// ---------------------------------------------------------------------------------------------

function plan(
  r: ResponseResource,
  req: Omit<PartyRequirement, "plan" | "case" | "unitName">,
): PartyRequirement {
  return { plan: r.plan, case: responsePartyCase(r.l.case), unitName: r.unitName, ...req };
}

/** The levels an activation or change may go to: the target, or every level of that direction. */
function targets(r: ResponseResource, kind: "activate" | "upgrade" | "downgrade"): ResponseLevel[] {
  if (r.target) {
    return [r.target];
  }
  const rank = r.l.level?.rank ?? 0;
  return responseLevels(r.plan.profile).filter((lv) =>
    kind === "activate" ? true : kind === "upgrade" ? lv.rank > rank : lv.rank < rank,
  );
}

function endOf(r: ResponseResource) {
  return endRule(r.plan.profile, r.l.incident.level, r.l.level);
}

function noEndRule(r: ResponseResource): string | undefined {
  return endOf(r)
    ? undefined
    : `预案没有规定${gradeName(r.plan.profile, r.l.incident.level)}事件由谁宣布应急结束（000 §4.9）`;
}

function endRequirement(r: ResponseResource, approving: boolean, what: string): PartyRequirement {
  const rule = endOf(r);
  if (!rule) {
    // Nobody is named: the state says so (409), as before the policy.
    return plan(r, { parties: [], alsoChecks: [anyone] });
  }
  return plan(r, { parties: approving ? (rule.approvedBy ?? []) : rule.by, source: rule.source, what });
}

export const responsePolicy = definePolicy<ResponseAction, ResponseResource>("应急响应", {
  read: { by: [anyone] },

  /** 000 §4.3.1: the level's activators (and the special case's), per level. */
  activate: {
    by: (r) => {
      const levels = targets(r, "activate");
      const level = r.target;
      return plan(r, {
        parties: levels.flatMap((lv) => activators(r.plan.profile, lv, r.l.case)),
        source: level?.source,
        what: level ? `启动${level.name}` : "启动应急响应",
        missing: `预案（${level?.source ?? "000 §4.3.1"}）没有规定由谁${level ? `启动${level.name}` : "启动应急响应"}`,
      });
    },
    state: first(merged, (r) => {
      const { incident, response } = r.l;
      if (incident.status === "closed") {
        return `事件 ${incident.number} 已报送终报、处置结束`;
      }
      if (response) {
        const name = findResponseLevel(r.plan.profile, response.level)?.name ?? response.level;
        return `事件 ${incident.number} 已启动${name}，如需调整请升级或降级`;
      }
      return undefined;
    }),
  },

  /** 000 §4.3: the body that activates the higher level decides the upgrade. */
  upgrade: {
    by: (r) => {
      const target = r.target;
      return plan(r, {
        parties: targets(r, "upgrade").flatMap((lv) => activators(r.plan.profile, lv, r.l.case)),
        source: target ? `000 §4.3；${target.source}` : "000 §4.3",
        what: target ? `将响应升级为${target.name}` : "响应升级",
        missing: "预案没有更高的响应级别，或没有规定由谁启动",
      });
    },
    state: first(notRunning, endAsked, (r) => {
      if (!r.l.level) {
        return `当前响应级别“${r.l.response?.level}”不在预案中`;
      }
      return targets(r, "upgrade").length === 0 ? `当前已是最高响应级别“${r.l.level.name}”` : undefined;
    }),
  },

  /** 000 §4.3.2 第1项: the body running the current level adjusts it. */
  downgrade: {
    by: (r) => {
      const current = r.l.level;
      const levels = current ? [current] : targets(r, "activate");
      return plan(r, {
        parties: levels.flatMap((lv) => activators(r.plan.profile, lv, r.l.case)),
        source: current?.source,
        what: r.target ? `将响应降级为${r.target.name}` : "响应降级",
      });
    },
    state: first(notRunning, endAsked, (r) => {
      if (!r.l.level) {
        return `当前响应级别“${r.l.response?.level}”不在预案中`;
      }
      return targets(r, "downgrade").length === 0 ? `当前已是最低响应级别“${r.l.level.name}”` : undefined;
    }),
  },

  /** 000 §4.3.2: the committee's decision, by who the trigger names. */
  decide: {
    by: (r) =>
      plan(r, {
        parties: decisionDeciders(r.plan.profile, r.trigger),
        source: r.plan.profile.response.committeeDecision?.source,
        what: r.trigger === "leader" ? "直接启动区应急委决策机制" : "研究同意区应急委决策",
      }),
    state: first(merged, (r) => {
      const profile = r.plan.profile;
      const rule = profile.response.committeeDecision;
      if (!rule) {
        return "预案没有规定区应急委决策机制";
      }
      const { incident, level } = r.l;
      return decisionApplies(profile, incident.level, level)
        ? undefined
        : `区应急委决策机制适用于可能或已经发生${rule.grades.map((g) => gradeName(profile, g)).join("、")}突发事件（${rule.source}）；本事件为${gradeName(profile, incident.level)}${level ? `、${level.name}` : "、尚未启动响应"}`;
    }),
  },

  /** 000 §4.4 setUpBy, and the level's commandPostBy (000 §4.3.1 Ⅱ级: the HQ office). */
  createPost: {
    by: (r) =>
      plan(r, {
        parties: commandPostSetUpBy(r.plan.profile, r.l.level),
        source: r.plan.profile.response.commandPost.source,
        what: "设立现场指挥部",
      }),
    state: first(merged, notRunning, (r) => {
      const profile = r.plan.profile;
      const rule = profile.response.commandPost;
      const { incident, level, post, response } = r.l;
      if (!commandPostApplies(profile, incident.level, level)) {
        return `现场指挥部在${rule.grades.map((g) => gradeName(profile, g)).join("、")}突发事件时设立（${rule.source}）；本事件为${gradeName(profile, incident.level)}，当前为${level?.name ?? response?.level}`;
      }
      return post ? `事件 ${incident.number} 已设立现场指挥部“${post.name}”` : undefined;
    }),
  },

  /** Tasks and the checklist (000 §4.6) while the response runs. */
  operate: { by: [office, onScene, staffUnit], state: notRunning },
  /** Groups, members, handovers, check-ins, cordons (000 §4.4) while the post is open. */
  operatePost: { by: [office, onScene, staffUnit], state: postClosed },
  /** A task's status, notes, time limit and assignee; a done or cancelled task takes notes only. */
  updateTask: {
    by: [office, onScene, staffUnit, assignedUnit],
    state: (r) => {
      const task = r.task;
      if (!task?.changesState || !(task.row.status === "done" || task.row.status === "cancelled")) {
        return undefined;
      }
      return `任务已${task.row.status === "done" ? "完成" : "取消"}，不能再更改状态、承办单位或时限`;
    },
  },
  /** The 续报 draft is the office's and the post's working paper. */
  draftReport: {
    by: [office, onScene, staffUnit],
    state: (r) => (r.l.response ? undefined : `事件 ${r.l.incident.number} 尚未启动应急响应`),
  },

  /** 000 §4.9 / 002 §5.6: the declarer asks first where the plan wants the end approved. */
  requestEnd: {
    by: (r) => endRequirement(r, false, "请示结束应急响应"),
    state: first(noEndRule, notRunning, (r) => {
      if (!endOf(r)?.approvedBy) {
        return "预案规定直接宣布应急结束，无需请示";
      }
      return r.l.response?.state === "end_requested" ? "已请示结束应急响应，待批准" : undefined;
    }),
  },
  end: {
    by: (r) => endRequirement(r, false, "宣布应急结束"),
    state: first(noEndRule, notRunning, (r) =>
      endOf(r)?.approvedBy ? "预案规定结束应急响应须先请示、经批准" : undefined,
    ),
  },
  approveEnd: {
    by: (r) => endRequirement(r, true, "批准结束应急响应"),
    state: first(noEndRule, notRunning, (r) => {
      if (!endOf(r)?.approvedBy) {
        return "预案规定直接宣布应急结束，无需批准";
      }
      return r.l.response?.state === "end_requested" ? undefined : "尚未请示结束应急响应";
    }),
  },

  /** 000 §4.9: the lead of the assessment report and the emergency office. */
  editAssessment: {
    by: (r) =>
      plan(r, {
        parties: assessmentEditors(r.plan.profile, r.l.incident.level, r.l.level),
        source: "000 §4.9",
        what: "编写总结评估报告",
      }),
    state: (r) => (r.l.response ? undefined : `事件 ${r.l.incident.number} 尚未启动应急响应`),
  },
  submitAssessment: {
    by: (r) =>
      plan(r, {
        parties: assessmentEditors(r.plan.profile, r.l.incident.level, r.l.level),
        source: "000 §4.9",
        what: "报送总结评估报告",
      }),
    state: (r) => {
      if (r.l.response?.state !== "ended") {
        return "应急响应结束后才能报送总结评估报告（000 §4.9）";
      }
      const a = r.assessments;
      if (a && a.pending === 0) {
        return a.total === 0 ? "本事件没有需要报送的总结评估报告" : "总结评估报告已报送";
      }
      return undefined;
    },
  },
});

const WORKSPACE_ACTIONS = (Object.keys(responsePolicy.rules) as ResponseAction[]).filter(
  (a) => a !== "updateTask",
);

/** What the workspace offers the viewer: the actions, and the levels of each level action. */
export function responseOffer(user: SessionUser, r: ResponseResource) {
  // updateTask is offered per task (TaskView.allowedActions): its rule reads the task.
  const levels = (kind: "activate" | "upgrade" | "downgrade") =>
    targets(r, kind)
      .filter((lv) => can(responsePolicy, user, kind, { ...r, target: lv }))
      .map((lv) => lv.id);
  return {
    allowedActions: allowedActions(responsePolicy, user, r, WORKSPACE_ACTIONS),
    levelOptions: {
      activate: levels("activate"),
      upgrade: levels("upgrade"),
      downgrade: levels("downgrade"),
    },
  };
}
