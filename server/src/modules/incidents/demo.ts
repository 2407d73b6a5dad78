/**
 * Demo incidents for a newcomer (issue 4): four realistic Chaoyang events in different states, placed
 * around the demo clock's "now" so countdowns are alive — one about to be due, one reported and
 * graded, one overdue and escalated with a leader's instruction, one closed yesterday.
 */
import type { Principal } from "../../authz/principal.js";
import type { Clock } from "../../clock.js";
import type { AppContext } from "../../context.js";
import { runCommand } from "../../http/command.js";
import { findSubtype } from "../plans/index.js";
import { findUserByUsername, toSessionUser } from "../users/index.js";
import { setIncidentLevel } from "./grading.js";
import { recordInstruction } from "./instructions.js";
import { registerIncident, validateRegistration } from "./registration.js";
import { fileReport } from "./reports.js";
import type { RegisterBody } from "./schema.js";

const MIN = 60_000;

function fixedClock(at: Date): Clock {
  return { now: () => at };
}

function fields(overrides: Record<string, string>): Record<string, string> {
  return {
    time: "",
    place: "",
    info_source: "",
    cause: "正在核实",
    category: "",
    casualties: "暂无人员伤亡",
    losses: "正在统计",
    affected_area: "",
    danger_level: "可控",
    trend: "趋于稳定",
    secondary_disasters: "暂未发现",
    measures_taken: "",
    signer: "张建国",
    provider: "区委区政府总值班室 王明",
    contact: "010-85990000",
    ...overrides,
  };
}

/** Seeds the demo incidents once (the demo is loaded on first run only). */
export async function seedIncidentsDemo(ctx: AppContext): Promise<number> {
  if (!findSubtype(ctx.plan.profile, "gas") || ctx.plan.profile.meta.district.code !== "110105") {
    return 0; // the demo events are Chaoyang's
  }
  const principalOf = async (username: string): Promise<Principal | undefined> => {
    const row = await findUserByUsername(ctx.db, username);
    return row ? { user: toSessionUser(row), via: "session" } : undefined;
  };
  const duty = await principalOf("duty");
  const staff = await principalOf("office_staff");
  if (!duty || !staff) {
    return 0;
  }
  const now = ctx.clock.now();
  const ago = (minutes: number) => new Date(now.getTime() - minutes * MIN);
  const at = (when: Date): AppContext => ({ ...ctx, clock: fixedClock(when) });
  const req = (principal: Principal) => ({ id: "demo:incidents", principal });

  const register = async (body: RegisterBody, when: Date) => {
    const c = at(when);
    const valid = await validateRegistration(c, body, when);
    const { row } = await runCommand(c, req(duty), (scope) => registerIncident(c, scope, valid, duty.user));
    return row.id;
  };

  // 1. Gas leak in 建外街道 (永安里社区), received 6 minutes ago: the initial report is due in 4 minutes.
  await register(
    {
      title: "建外街道永安里某小区燃气泄漏",
      subtypeId: "gas",
      occurredAt: ago(9).toISOString(),
      receivedAt: ago(6).toISOString(),
      sourceChannel: "96777",
      sourceDetail: "燃气集团客服转报",
      divisionCode: "110105001026",
      address: "建国门外大街永安里小区 3 号楼",
      location: { lat: 39.9087, lng: 116.4497 },
      figures: { evacuated: 40 },
      description: "居民报告楼道内有明显燃气味，燃气集团抢修人员已出发，街道组织疏散 3 号楼 1 单元居民。",
      reporterName: "李女士",
      reporterPhone: "13800000001",
    },
    ago(6),
  );

  // 2. Road traffic accident on 京通快速路 (高碑店地区): reported on time, graded 一般 by the office.
  const crash = await register(
    {
      title: "京通快速路高碑店段多车追尾",
      subtypeId: "road_traffic",
      occurredAt: ago(50).toISOString(),
      receivedAt: ago(45).toISOString(),
      sourceChannel: "122",
      divisionCode: "110105022",
      address: "京通快速路进京方向高碑店桥东",
      location: { lat: 39.9043, lng: 116.5156 },
      figures: { injuries: 3, trapped: 1 },
      description: "5 车追尾，1 人被困，消防救援、120 已到场，进京方向封闭两条车道。",
    },
    ago(45),
  );
  await runCommand(at(ago(38)), req(duty), (scope) =>
    fileReport(
      at(ago(38)),
      scope,
      crash,
      {
        kind: "initial",
        fields: fields({
          time: "事发约 50 分钟前",
          place: "京通快速路进京方向高碑店桥东",
          info_source: "122 转警",
          cause: "雨天路滑、车距过近",
          category: "事故灾难 / 道路交通事故",
          casualties: "3 人受伤（已送医），1 人被困已救出",
          losses: "5 辆车受损",
          affected_area: "进京方向两条车道封闭，拥堵约 2 公里",
          danger_level: "一般",
          measures_taken: "交通支队现场管制，消防救援、120 救治伤员",
        }),
      },
      duty.user,
    ),
  );
  await runCommand(at(ago(30)), req(staff), (scope) =>
    setIncidentLevel(at(ago(30)), scope, crash, {
      level: "general",
      reason: "无死亡，伤员伤情稳定，按一般事件处置",
    }),
  );

  // 3. Fire in 望京: first assessed 较大; the initial report is overdue and escalated; a leader instructed.
  const fire = await register(
    {
      title: "望京某商业综合体地下车库火灾",
      subtypeId: "fire",
      occurredAt: ago(22).toISOString(),
      receivedAt: ago(18).toISOString(),
      sourceChannel: "119",
      divisionCode: "110105026",
      address: "望京街某商业综合体 B2 层车库",
      location: { lat: 39.9961, lng: 116.4806 },
      figures: { evacuated: 600, trapped: 2 },
      flags: ["important", "major_impact"],
      level: "larger",
      description: "地下车库冒出浓烟，商场已组织疏散约 600 人，2 人被困，消防救援力量正在处置。",
    },
    ago(18),
  );
  await runCommand(at(ago(10)), req(duty), (scope) =>
    recordInstruction(at(ago(10)), scope, fire, {
      leader: "分管区领导 孙伟",
      content: "全力搜救被困人员，做好人员疏散和周边交通疏导，及时报告进展。",
      relayTo: ["dept-fire", "110105026"],
    }),
  );

  // 4. Waterlogging after a rainstorm, yesterday: reported, closed with a final report.
  const rain = await register(
    {
      title: "朝阳路八里庄段暴雨积水",
      subtypeId: "rainstorm",
      occurredAt: ago(26 * 60 + 10).toISOString(),
      receivedAt: ago(26 * 60).toISOString(),
      sourceChannel: "96159",
      divisionCode: "110105015",
      address: "朝阳路八里庄桥下",
      figures: {},
      description: "桥下积水约 40 厘米，一辆公交车熄火。",
    },
    ago(26 * 60),
  );
  const rainFields = fields({
    time: "昨日",
    place: "朝阳路八里庄桥下",
    info_source: "96159 排水热线",
    cause: "短时强降雨，排水能力不足",
    category: "自然灾害 / 暴雨",
    affected_area: "朝阳路双向",
    measures_taken: "排水集团抽排，交通支队临时管制",
  });
  for (const [kind, minutes] of [
    ["initial", 26 * 60 - 7],
    ["continuing", 25 * 60],
    ["final", 22 * 60],
  ] as const) {
    await runCommand(at(ago(minutes)), req(duty), (scope) =>
      fileReport(at(ago(minutes)), scope, rain, { kind, fields: rainFields }, duty.user),
    );
  }
  return 4;
}
