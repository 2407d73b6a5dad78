/**
 * Pure rules of the response's reporting (000 §4.9 信息报送 evaluation; issue 7 §4 续报 draft and
 * the ICS-201 briefing): functions of data and the profile, no SQL, no clock of their own.
 */
import { beijingChinese } from "../../../../shared/beijingTime.js";
import type { PlanProfile } from "../../../../shared/plan/schema.js";

const MINUTE = 60_000;

// ---------------------------------------------------------------------------------------------
// timeliness of reporting (the assessment's 信息报送 evaluation, 000 §4.9)
// ---------------------------------------------------------------------------------------------

export interface DeadlineFacts {
  name: string;
  kind: string;
  round: number;
  dueAt: string;
  state: string;
  metAt: string | null;
  lateMinutes: number | null;
}

export interface TimelinessRow {
  name: string;
  dueAt: string;
  metAt: string | null;
  /** 按时 / 迟报 / 超时未报 / 待报 / 已取消. */
  verdict: "on_time" | "late" | "missed" | "pending" | "cancelled";
  /** Late (迟报, 超时未报) or early (按时) by this many whole minutes; null for pending/cancelled. */
  minutes: number | null;
}

export const VERDICT_LABELS: Record<TimelinessRow["verdict"], string> = {
  on_time: "按时",
  late: "迟报",
  missed: "超时未报",
  pending: "待报",
  cancelled: "已取消（不再适用）",
};

/** Every reporting deadline with met/late and minutes, as of `asOf`, in due order. */
export function timeliness(rows: readonly DeadlineFacts[], asOf: Date): TimelinessRow[] {
  return [...rows]
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.name.localeCompare(b.name))
    .map((d) => {
      const due = new Date(d.dueAt).getTime();
      const name = d.round > 1 ? `${d.name}（第 ${d.round} 次）` : d.name;
      if (d.state === "met" && d.metAt) {
        const late = d.lateMinutes ?? 0;
        if (late > 0) {
          return { name, dueAt: d.dueAt, metAt: d.metAt, verdict: "late", minutes: late };
        }
        const early = Math.floor((due - new Date(d.metAt).getTime()) / MINUTE);
        return { name, dueAt: d.dueAt, metAt: d.metAt, verdict: "on_time", minutes: Math.max(0, early) };
      }
      if (d.state === "cancelled") {
        return { name, dueAt: d.dueAt, metAt: null, verdict: "cancelled", minutes: null };
      }
      if (d.state === "overdue" || due < asOf.getTime()) {
        return {
          name,
          dueAt: d.dueAt,
          metAt: null,
          verdict: "missed",
          minutes: Math.ceil((asOf.getTime() - due) / MINUTE),
        };
      }
      return { name, dueAt: d.dueAt, metAt: null, verdict: "pending", minutes: null };
    });
}

// ---------------------------------------------------------------------------------------------
// situation report (续报) draft and the ICS-201-shaped briefing
// ---------------------------------------------------------------------------------------------

export interface SituationData {
  title: string;
  occurredAt: string;
  place: string;
  sourceLabel: string;
  description: string;
  categoryName: string;
  subtypeName: string;
  gradeName: string;
  figures: Record<string, number>;
  figureLabels: Record<string, string>;
  responseLevelName: string | null;
  responseActivatedAt: string | null;
  postName: string | null;
  postAddress: string | null;
  tasksDone: string[];
  tasksOpen: string[];
  overdueTasks: number;
  checkins: { kind: string; name: string; quantity: number | null }[];
  cordons: string[];
  decisions: string[];
  signer: string;
  provider: string;
  contact: string;
}

function casualtiesText(d: SituationData): string {
  const keys = ["deaths", "serious_injuries", "injuries", "missing", "trapped", "poisoned", "evacuated"];
  const parts = keys
    .filter((k) => d.figures[k] !== undefined)
    .map((k) => `${(d.figureLabels[k] ?? k).replace(/（.*）/, "")} ${d.figures[k]} 人`);
  return parts.length > 0 ? parts.join("，") : "暂无人员伤亡报告";
}

function lossesText(d: SituationData): string {
  const loss = d.figures.economic_loss_yuan;
  const households = d.figures.households;
  const parts = [
    loss !== undefined ? `直接经济损失约 ${loss} 元` : "",
    households !== undefined ? `受影响 ${households} 户` : "",
  ].filter((p) => p !== "");
  return parts.length > 0 ? parts.join("，") : "损失情况正在统计";
}

function measuresText(d: SituationData): string {
  const parts: string[] = [];
  if (d.responseLevelName && d.responseActivatedAt) {
    parts.push(`${beijingChinese(d.responseActivatedAt)}启动${d.responseLevelName}`);
  }
  if (d.postName) {
    parts.push(`成立${d.postName}${d.postAddress ? `（${d.postAddress}）` : ""}`);
  }
  if (d.cordons.length > 0) {
    parts.push(`划定${d.cordons.join("、")}`);
  }
  const teams = d.checkins.filter((c) => c.kind === "team").length;
  if (d.checkins.length > 0) {
    parts.push(`到场报到力量 ${d.checkins.length} 批（其中队伍 ${teams} 支）`);
  }
  if (d.tasksDone.length > 0) {
    parts.push(`已完成：${d.tasksDone.join("；")}`);
  }
  if (d.tasksOpen.length > 0) {
    parts.push(`正在开展：${d.tasksOpen.join("；")}`);
  }
  if (d.decisions.length > 0) {
    parts.push(`区应急委决策：${d.decisions.join("；")}`);
  }
  return parts.length > 0 ? `${parts.join("；")}。` : "正在组织先期处置。";
}

/**
 * A 续报 drafted from current data (issue 7 §4), keyed by the profile's required report fields
 * (000 §4.1: 时间、地点、信息来源、原因 …; 002 §3.3.3: 性质、严重程度 …). The mapping from field id to
 * data is by the ids the shipped profiles use; an unknown id is left empty for the officer to fill.
 */
export function situationDraft(profile: PlanProfile, d: SituationData): Record<string, string> {
  const trend =
    d.overdueTasks > 0
      ? `处置仍在进行，${d.overdueTasks} 项任务已超过时限，请现场指挥部研判`
      : d.tasksOpen.length > 0
        ? "事态正在控制中，处置工作持续进行"
        : "事态已基本得到控制";
  const byId: Record<string, string> = {
    time: beijingChinese(d.occurredAt),
    place: d.place,
    info_source: d.sourceLabel,
    cause: d.description ? `初步了解：${d.description}（原因正在调查）` : "原因正在调查",
    category: `${d.categoryName}·${d.subtypeName}`,
    nature: `${d.categoryName}·${d.subtypeName}`,
    casualties: casualtiesText(d),
    losses: lossesText(d),
    affected_area: d.cordons.length > 0 ? `${d.place}周边，已划定${d.cordons.join("、")}` : `${d.place}周边`,
    scope: d.cordons.length > 0 ? `${d.place}周边，已划定${d.cordons.join("、")}` : `${d.place}周边`,
    danger_level: `事件等级：${d.gradeName}${d.responseLevelName ? `，已启动${d.responseLevelName}` : ""}`,
    severity: `事件等级：${d.gradeName}`,
    trend,
    secondary_disasters: "正在排查次生、衍生灾害风险",
    measures_taken: measuresText(d),
    signer: d.signer,
    provider: d.provider,
    contact: d.contact,
  };
  return Object.fromEntries(profile.reporting.requiredFields.fields.map((f) => [f.id, byId[f.id] ?? ""]));
}

export interface Briefing {
  situation: string;
  objectives: string[];
  actions: string[];
  organisation: string[];
  resources: string[];
}

/**
 * An incident briefing in the ICS-201 shape (situation, objectives, actions, organisation,
 * resources), from the same data as the situation draft plus the post's groups.
 */
export function briefing(
  d: SituationData,
  organisation: { role: string; name: string }[],
  objectives: string[],
): Briefing {
  return {
    situation: `${beijingChinese(d.occurredAt)}，${d.place}发生${d.title}（${d.subtypeName}，${d.gradeName}）。${casualtiesText(
      d,
    )}；${lossesText(d)}。`,
    objectives,
    actions: [...d.tasksDone.map((t) => `已完成：${t}`), ...d.tasksOpen.map((t) => `进行中：${t}`)],
    organisation: organisation.map((o) => `${o.role}：${o.name}`),
    resources: d.checkins.map((c) => `${c.name}${c.quantity !== null ? ` × ${c.quantity}` : ""}`),
  };
}

/** The subtype's name, for labels. */
