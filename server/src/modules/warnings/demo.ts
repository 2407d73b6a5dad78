/**
 * Demo warnings for a newcomer (issue 5): a published 暴雨黄色预警 relayed from the city and released
 * to the public, a 大风蓝色预警 and a 燃气蓝色预警 awaiting the leaders in charge, and a 高温黄色预警
 * lifted yesterday — plus a few public subscribers. Steps are dated around the demo clock's "now" and
 * go through the real commands, so history, CAP messages, tasks and deliveries are all genuine.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../clock.js";
import type { AppContext } from "../../context.js";
import { runCommand } from "../../http/command.js";
import { findSubtype } from "../plans/index.js";
import { findUserByUsername } from "../users/index.js";
import { liftWarning } from "./changes.js";
import type { Actor } from "./model.js";
import { publishWarning, releaseWarning } from "./publication.js";
import { getWarning, gridCell, insertSubscribers } from "./repository.js";
import { approveWarning, createWarning, type NewWarning, proposeWarning } from "./service.js";

const HOUR = 3_600_000;
const at = (clock: Clock, hours: number): Clock => ({
  now: () => new Date(clock.now().getTime() + hours * HOUR),
});

const polygon = (ring: [number, number][]) => ({
  type: "Feature" as const,
  properties: null,
  geometry: { type: "Polygon" as const, coordinates: [[...ring, ring[0] as [number, number]]] },
});

export async function seedWarningsDemo(ctx: AppContext): Promise<void> {
  if (ctx.plan.profile.meta.district.code !== "110105" || !findSubtype(ctx.plan.profile, "rainstorm")) {
    return; // the demo warnings are Chaoyang's
  }
  const base = ctx.clock;
  const step = async <T>(
    hours: number,
    fn: (c: AppContext, s: Parameters<Parameters<typeof runCommand<T>>[2]>[0]) => Promise<T>,
  ) => {
    const c = { ...ctx, clock: at(base, hours) };
    return runCommand(c, { id: "system:seed:warnings" }, (s) => fn(c, s));
  };
  const staff = await findUserByUsername(ctx.db, "chengguan_staff");
  const chengguanStaff: Actor = staff
    ? { id: staff.id, name: staff.display_name, unitId: staff.unit_id }
    : { id: null, name: "城管委 赵敏", unitId: "dept-chengguan" };
  const waterDuty: Actor = { id: null, name: "区水务局值班员 周宁", unitId: "dept-water" };
  const waterHead: Actor = { id: null, name: "区水务局局长 王涛", unitId: "dept-water" };
  const office: Actor = { id: null, name: "应急办主任 张建国", unitId: "office" };
  const emergencyDuty: Actor = { id: null, name: "区应急局 刘洋", unitId: "dept-emergency" };
  const leaderNature: Actor = { id: null, name: "分管区领导（自然灾害） 钱进", unitId: "committee" };
  const iso = (hours: number) => new Date(base.now().getTime() + hours * HOUR).toISOString();

  // 1. 暴雨黄色预警: relayed from 北京市气象台, signed off by 区水务局's principal leader, released.
  const rain: NewWarning = {
    origin: "relayed",
    colour: "yellow",
    subtypeId: "rainstorm",
    issuingUnitId: "dept-water",
    title: "北京市气象台暴雨黄色预警（朝阳区转发）",
    onsetAt: iso(-2),
    expiresAt: iso(16),
    content: {
      precautions: "预计今天下午至夜间朝阳区北部将出现暴雨，小时雨强可达 50 毫米以上，低洼地区可能积水",
      situation: "北京市气象台 14 时发布暴雨黄色预警，雷达显示强降水云团正向东北部移动",
      governmentMeasures:
        "区防汛指挥部办公室已启动应急机制，各街道（地区）排查下凹式立交桥和地下空间，抢险队伍到位待命",
      publicAdvice: "减少外出，不要在下凹式立交桥、地下通道停留；驾车绕开积水路段；注意防范雷电",
      hotline: "010-65099999",
      en: {
        title: "Rainstorm warning (yellow) relayed by Chaoyang District",
        instruction: "Avoid underpasses and flooded roads; stay indoors if you can.",
      },
    },
    area: {
      divisionCodes: ["110105026", "110105032", "110105043", "110105025"],
      features: [
        polygon([
          [116.43, 39.98],
          [116.52, 39.98],
          [116.52, 40.04],
          [116.43, 40.04],
        ]),
      ] as never,
      description: "朝阳区北部：望京、来广营、东湖、大屯等街道（地区）",
    },
  };
  const rainSource = {
    sender: "bjmb@cma.gov.cn",
    identifier: "11000041600000_20261127140000_1",
    sent: "2026-11-27T14:00:00+08:00",
    msgType: "Alert",
    senderName: "北京市气象台",
    event: "暴雨黄色预警",
    severity: "Moderate",
    languages: ["zh-CN"],
    areas: [
      { areaDesc: "北京市朝阳区、顺义区、通州区", polygons: 0, circles: 0, geocodes: ["GB/T 2260:110105"] },
    ],
    references: [],
  };
  const rainId = await step(-3, (c, s) =>
    createWarning(c, s, waterDuty, rain, { source: rainSource, area: rain.area as never }),
  );
  await step(-2.8, async (c, s) =>
    approveWarning(c, s, waterHead, await getWarning(s.trx, rainId), "同意转发", true),
  );
  await step(-2.7, async (c, s) =>
    publishWarning(c, s, waterDuty, await getWarning(s.trx, rainId), ["inApp", "sms", "public"], false),
  );
  await step(-2.6, async (c, s) =>
    releaseWarning(c, s, office, await getWarning(s.trx, rainId), ["sms", "email"]),
  );

  // 2. 大风蓝色预警 for the whole district: 区应急局 proposes to the leader in charge of natural disasters.
  const streets = await ctx.units.ofTypes(["street", "township"]);
  const wholeDistrict = { divisionCodes: streets.map((x) => x.id), features: [], description: "朝阳区全区" };
  const galeId = await step(-1, (c, s) =>
    createWarning(
      c,
      s,
      emergencyDuty,
      {
        colour: "blue",
        subtypeId: "gale",
        issuingUnitId: "dept-emergency",
        title: "朝阳区大风蓝色预警",
        onsetAt: iso(6),
        expiresAt: iso(30),
        content: {
          precautions: "预计明天白天有 5 级左右偏北风，阵风 7 级左右",
          situation: "受冷空气影响，区气象局会商后建议发布大风蓝色预警",
          governmentMeasures: "加固户外广告牌和临时搭建物，施工工地停止高空作业",
          publicAdvice: "远离广告牌、临时搭建物和大树，注意高空坠物",
          hotline: "010-65099999",
        },
        area: wholeDistrict,
      },
      { area: wholeDistrict },
    ),
  );
  await step(-0.9, async (c, s) =>
    proposeWarning(c, s, emergencyDuty, await getWarning(s.trx, galeId), "请钱区长审批"),
  );

  // 3. 燃气蓝色预警: 区城管委 staff proposed; waiting in the demo leader's inbox.
  const gasId = await step(-0.5, (c, s) =>
    createWarning(c, s, chengguanStaff, {
      colour: "blue",
      subtypeId: "gas",
      issuingUnitId: "dept-chengguan",
      title: "建外街道燃气管网检修蓝色预警",
      onsetAt: iso(1),
      expiresAt: iso(13),
      content: {
        precautions: "建外街道部分小区今晚燃气管网检修，可能出现短时停气和异味",
        situation: "区城管委组织燃气集团对老旧管网进行检修",
        governmentMeasures: "检修期间安排抢修车辆现场值守，社区逐户告知",
        publicAdvice: "检修期间请关闭燃气阀门，闻到异味及时开窗并拨打 96777",
        hotline: "96777",
      },
      area: {
        divisionCodes: ["110105001"],
        features: [
          polygon([
            [116.44, 39.9],
            [116.47, 39.9],
            [116.47, 39.92],
            [116.44, 39.92],
          ]),
        ] as never,
      },
    }),
  );
  await step(-0.4, async (c, s) =>
    proposeWarning(c, s, chengguanStaff, await getWarning(s.trx, gasId), "请孙区长审批"),
  );

  // 4. 高温黄色预警: published and released yesterday, lifted this morning.
  const heatId = await step(-30, (c, s) =>
    createWarning(c, s, emergencyDuty, {
      colour: "yellow",
      subtypeId: "high_temperature",
      issuingUnitId: "dept-emergency",
      title: "朝阳区高温黄色预警",
      onsetAt: iso(-28),
      expiresAt: iso(4),
      content: {
        precautions: "最高气温将达 35℃ 以上",
        situation: "持续晴热，区气象局预报高温将持续两天",
        governmentMeasures: "户外作业调整时间，避暑场所开放",
        publicAdvice: "避免午后高温时段户外活动，注意防暑降温，关照老人和儿童",
        hotline: "010-65099999",
      },
      area: {
        divisionCodes: ["110105003", "110105004", "110105013"],
        features: [],
        description: "朝阳区中部",
      },
    }),
  );
  await step(-29.8, async (c, s) =>
    proposeWarning(c, s, emergencyDuty, await getWarning(s.trx, heatId), undefined),
  );
  await step(-29.5, async (c, s) =>
    approveWarning(c, s, leaderNature, await getWarning(s.trx, heatId), "同意", false),
  );
  await step(-29.4, async (c, s) =>
    publishWarning(c, s, emergencyDuty, await getWarning(s.trx, heatId), ["inApp", "public"], false),
  );
  await step(-29.2, async (c, s) => releaseWarning(c, s, office, await getWarning(s.trx, heatId), ["sms"]));
  await step(-6, async (c, s) =>
    liftWarning(c, s, emergencyDuty, await getWarning(s.trx, heatId), "气温回落，高温过程结束"),
  );

  // A few public subscribers (SMS by street or location, e-mail by street).
  const now = base.now().toISOString();
  const subscribers = [
    { channel: "sms", address: "13800138001", division_code: "110105026" },
    { channel: "sms", address: "13800138002", division_code: "110105001" },
    { channel: "sms", address: "13800138003", lon: 116.47, lat: 40.0 },
    { channel: "sms", address: "13800138004", lon: 116.46, lat: 39.91 },
    { channel: "email", address: "resident@example.com", division_code: "110105032" },
  ];
  await runCommand(ctx, { id: "system:seed:warnings" }, async (s) => {
    await insertSubscribers(
      s.trx,
      subscribers.map((x) => ({
        id: randomUUID(),
        channel: x.channel,
        address: x.address,
        name: null,
        division_code: x.division_code ?? null,
        lon: x.lon ?? null,
        lat: x.lat ?? null,
        cell: x.lon !== undefined && x.lat !== undefined ? gridCell(x.lon, x.lat) : null,
        created_at: now,
        unsubscribed_at: null,
      })),
    );
    await s.audit({
      action: "subscriber.seed",
      entityType: "warning_subscriber",
      entityId: "demo",
      after: { count: subscribers.length },
    });
  });
}
