/**
 * Demo response for a newcomer (issue 7): a 较大 gas explosion in 建外街道 with Ⅰ级指挥响应 running,
 * a committee decision, the command post with its working groups, a team checked in, the core
 * cordon drawn, and the §4.6 checklist on the board with a few tasks done — placed around the
 * demo clock's "now" so the board shows due and overdue work.
 */
import type { Principal } from "../../authz/principal.js";
import type { Clock } from "../../clock.js";
import type { AppContext } from "../../context.js";
import { type CommandScope, runCommand } from "../../http/command.js";
import { fileReport, registerIncident, validateRegistration } from "../incidents/index.js";
import { findSubtype } from "../plans/index.js";
import { findUserByUsername, toSessionUser } from "../users/index.js";
import { activateResponse } from "./activation.js";
import { loadCase } from "./case.js";
import { checkIn, createCommandPost, drawCordon, saveGroup } from "./commandPost.js";
import { recordDecision } from "./decisions.js";
import { tasksOf } from "./repository.js";
import { createTask, tasksFromChecklist, updateTaskCommand } from "./tasks.js";

const MIN = 60_000;

/** The duty room's initial report of the demo explosion (000 §4.1 required fields). */
const INITIAL_REPORT: Record<string, string> = {
  time: "约 95 分钟前",
  place: "朝阳区建外街道建国门外大街某餐馆",
  info_source: "119 转警",
  cause: "初步判断为后厨燃气泄漏遇明火爆炸，原因正在调查",
  category: "事故灾难 / 燃气事故",
  casualties: "1 人死亡，8 人受伤（已送医）",
  losses: "餐馆及临街门窗受损，损失正在统计",
  affected_area: "周边约 260 名居民已疏散",
  danger_level: "较大",
  trend: "明火已扑灭，正在排查燃气管线",
  secondary_disasters: "存在二次泄漏风险，已关闭区域燃气阀门",
  measures_taken: "消防救援、120 到场处置，街道组织疏散",
  signer: "张建国",
  provider: "区委区政府总值班室 王明",
  contact: "010-85990000",
};

function fixedClock(at: Date): Clock {
  return { now: () => at };
}

/** Seeds the demo response once, after the incidents demo (the demo is loaded on first run only). */
export async function seedResponseDemo(ctx: AppContext): Promise<number> {
  if (!findSubtype(ctx.plan.profile, "gas") || ctx.plan.profile.meta.district.code !== "110105") {
    return 0; // the demo response is Chaoyang's
  }
  const principal = async (username: string): Promise<Principal | undefined> => {
    const row = await findUserByUsername(ctx.db, username);
    return row ? { user: toSessionUser(row), via: "session" } : undefined;
  };
  const [duty, director, chengguan, leader] = await Promise.all(
    ["duty", "director", "chengguan", "leader"].map(principal),
  );
  if (!duty || !director || !chengguan || !leader) {
    return 0;
  }
  const now = ctx.clock.now();
  const ago = (minutes: number) => new Date(now.getTime() - minutes * MIN);
  const at = (when: Date): AppContext => ({ ...ctx, clock: fixedClock(when) });
  const req = (p: Principal) => ({ id: "demo:response", principal: p });
  const step = <T>(
    minutesAgo: number,
    p: Principal,
    fn: (c: AppContext, scope: CommandScope) => Promise<T>,
  ) => {
    const c = at(ago(minutesAgo));
    return runCommand(c, req(p), (scope) => fn(c, scope));
  };

  const body = {
    title: "建外街道某餐馆燃气爆炸",
    subtypeId: "gas",
    occurredAt: ago(95).toISOString(),
    receivedAt: ago(92).toISOString(),
    sourceChannel: "119" as const,
    divisionCode: "110105001",
    address: "建国门外大街某餐馆",
    location: { lat: 39.9075, lng: 116.4525 },
    figures: { deaths: 1, injuries: 8, evacuated: 260 },
    level: "larger",
    description: "餐馆后厨发生燃气爆炸，临街门窗受损，消防救援和 120 已到场，街道组织疏散周边居民。",
  };
  const c0 = at(ago(92));
  const valid = await validateRegistration(c0, body, ago(92));
  const { row } = await runCommand(c0, req(duty), (scope) => registerIncident(c0, scope, valid, duty.user));
  const incidentId = row.id;

  const report = Object.fromEntries(
    ctx.plan.profile.reporting.requiredFields.fields.map((f) => [f.id, INITIAL_REPORT[f.id] ?? f.name]),
  );
  await step(86, duty, (c, scope) =>
    fileReport(c, scope, incidentId, { kind: "initial", fields: report }, duty.user),
  );
  await step(85, director, (c, scope) =>
    activateResponse(c, scope, incidentId, { level: "level_i" }, director.user),
  );
  await step(80, director, (c, scope) =>
    recordDecision(
      c,
      scope,
      incidentId,
      {
        decisionType: "major_decisions",
        content: "事发地周边 500 米内两所学校今日停课，暂停周边大型活动",
        trigger: "proposal",
        proposedByUnitId: "office",
        meeting: "区应急委专题会议",
      },
      director.user,
    ),
  );
  await step(75, chengguan, (c, scope) =>
    createCommandPost(
      c,
      scope,
      incidentId,
      {
        name: "建外街道燃气爆炸现场指挥部",
        address: "建国门外大街某小学操场（东门）",
        location: { lat: 39.9081, lng: 116.4531 },
        roles: [
          {
            roleId: "commander",
            holderName: leader.user.displayName,
            userId: leader.user.id,
            phone: "13900000001",
          },
          {
            roleId: "executive_commander",
            holderName: chengguan.user.displayName,
            userId: chengguan.user.id,
            phone: "13900000002",
          },
        ],
        contacts: "现场指挥部值班电话 010-85990001",
      },
      chengguan.user,
    ),
  );
  const l = await loadCase(ctx, ctx.db, incidentId);
  const postId = l.post?.id;
  if (!postId) {
    return 0;
  }
  await step(72, chengguan, (c, scope) =>
    saveGroup(
      c,
      scope,
      postId,
      {
        groupKey: "medical",
        leaderName: "区卫生健康委 副主任",
        members: [{ unitId: "dept-health", name: "区卫生健康委" }, { name: "朝阳医院急诊科" }],
      },
      chengguan.user,
    ),
  );
  await step(70, chengguan, (c, scope) =>
    checkIn(
      c,
      scope,
      postId,
      {
        kind: "team",
        name: "朝阳消防救援支队建外站",
        unitId: "dept-fire",
        quantity: 24,
        groupKey: "professional",
      },
      chengguan.user,
    ),
  );
  await step(66, chengguan, (c, scope) =>
    checkIn(
      c,
      scope,
      postId,
      { kind: "team", name: "120 急救车组", unitId: "dept-health", quantity: 6, groupKey: "medical" },
      chengguan.user,
    ),
  );
  await step(64, chengguan, (c, scope) =>
    drawCordon(
      c,
      scope,
      postId,
      {
        kind: "core",
        name: "核心封控线",
        geometry: {
          type: "Polygon",
          coordinates: [
            [
              [116.4512, 39.9068],
              [116.4538, 39.9068],
              [116.4538, 39.9083],
              [116.4512, 39.9083],
              [116.4512, 39.9068],
            ],
          ],
        },
      },
      chengguan.user,
    ),
  );
  await step(63, chengguan, (c, scope) =>
    drawCordon(
      c,
      scope,
      postId,
      {
        kind: "safety",
        name: "安全封控线",
        geometry: {
          type: "LineString",
          coordinates: [
            [116.4495, 39.9058],
            [116.4555, 39.9058],
            [116.4555, 39.9093],
            [116.4495, 39.9093],
            [116.4495, 39.9058],
          ],
        },
      },
      chengguan.user,
    ),
  );
  await step(60, chengguan, (c, scope) =>
    tasksFromChecklist(c, scope, incidentId, { dueAt: ago(-30).toISOString() }, chengguan.user),
  );
  await step(58, chengguan, (c, scope) =>
    createTask(
      c,
      scope,
      incidentId,
      {
        title: "设立警戒区和警戒哨，疏导建国门外大街交通",
        groupKey: "security_traffic",
        dueAt: ago(20).toISOString(),
      },
      chengguan.user,
    ),
  );
  const tasks = await tasksOf(ctx.db, incidentId);
  for (const [n, status] of [
    [0, "done"],
    [1, "done"],
    [4, "in_progress"],
  ] as const) {
    const task = tasks[n];
    if (task) {
      await step(40 - n, chengguan, (c, scope) =>
        updateTaskCommand(
          c,
          scope,
          task.id,
          { status, note: status === "done" ? "已完成" : "正在进行" },
          chengguan.user,
        ),
      );
    }
  }
  return 1;
}
