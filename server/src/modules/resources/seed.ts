/**
 * Demo resources of Chaoyang so a newcomer sees a real-looking map: teams of 000 §6.2 (朝阳消防救援支队,
 * 区城管委燃气抢险队, 蓝天救援队 volunteers …), experts, three warehouses with stock (000 §6.7),
 * agreements with supermarkets and manufacturers, shelters in parks and stadiums (000 §6.9) and
 * large equipment. Names are illustrative; coordinates are approximate WGS-84 points in the district.
 */
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import { runCommand } from "../../http/command.js";
import { createRecord } from "./records.js";
import { REGISTRIES, type RegistryName } from "./registries.js";
import * as repo from "./repository.js";
import {
  LUOLONG_EQUIPMENT,
  LUOLONG_EXPERTS,
  LUOLONG_SHELTERS,
  LUOLONG_STOCK,
  LUOLONG_SUPPLIES,
  LUOLONG_TEAMS,
  LUOLONG_WAREHOUSES,
} from "./seedLuolong.js";
import { openShelter, setOccupancy } from "./shelters.js";
import { createStockLine } from "./stock.js";

const SYSTEM = { id: "system:seed" };

type Rec = Record<string, unknown>;

const TEAMS: Rec[] = [
  {
    code: "DW-ZH-001",
    name: "朝阳消防救援支队综合应急救援队",
    kind: "comprehensive",
    specialties: ["综合救援", "消防", "高空救援", "危化品"],
    headcount: 320,
    leader: "孟建华",
    phone: "010-65011119",
    equipment: "云梯消防车 4 辆、抢险救援车 6 辆、破拆工具组",
    address: "朝阳区东三环中路",
    lat: 39.9168,
    lng: 116.4612,
    ownerUnitId: "dept-fire",
  },
  {
    code: "DW-ZY-001",
    name: "区城管委燃气抢险队",
    kind: "professional",
    specialties: ["燃气"],
    headcount: 45,
    leader: "高志远",
    phone: "13910020001",
    equipment: "燃气抢险车 3 辆、检漏仪 12 台",
    address: "朝阳区姚家园路",
    lat: 39.9402,
    lng: 116.5105,
    ownerUnitId: "dept-chengguan",
  },
  {
    code: "DW-ZY-002",
    name: "区水务局排水抢险队",
    kind: "professional",
    specialties: ["防汛抗旱", "供水排水"],
    headcount: 60,
    leader: "吕国强",
    phone: "13910020002",
    equipment: "大功率排水车 3 辆、移动泵站 5 套",
    address: "朝阳区广渠路",
    lat: 39.8925,
    lng: 116.5013,
    ownerUnitId: "dept-water",
  },
  {
    code: "DW-ZY-003",
    name: "区卫生健康委紧急医疗救援队",
    kind: "professional",
    specialties: ["医疗救护", "卫生防疫"],
    headcount: 80,
    leader: "钱慧",
    phone: "010-85951120",
    equipment: "负压救护车 8 辆",
    address: "朝阳区工体南路",
    lat: 39.9281,
    lng: 116.4502,
    ownerUnitId: "dept-health",
  },
  {
    code: "DW-ZY-004",
    name: "区住房城乡建设委建筑工程抢险队",
    kind: "professional",
    specialties: ["建筑工程"],
    headcount: 50,
    leader: "邓卫东",
    phone: "13910020004",
    equipment: "挖掘机 2 台、起重机 1 台",
    address: "朝阳区东坝",
    lat: 39.9703,
    lng: 116.5601,
    ownerUnitId: "dept-housing",
  },
  {
    code: "DW-WJ-001",
    name: "武警朝阳支队机动中队",
    kind: "armed",
    specialties: ["综合救援", "治安"],
    headcount: 120,
    leader: "周队长",
    phone: "010-84001000",
    address: "朝阳区来广营",
    lat: 40.0201,
    lng: 116.4603,
    ownerUnitId: "dept-pap",
  },
  {
    code: "DW-ZJ-001",
    name: "区应急管理专家组",
    kind: "expert",
    specialties: ["危化品", "建筑工程", "地震地质"],
    headcount: 12,
    leader: "陈教授",
    phone: "13910020006",
    address: "朝阳区朝阳路",
    lat: 39.9151,
    lng: 116.5203,
    ownerUnitId: "dept-emergency",
  },
  {
    code: "DW-ZYZ-001",
    name: "蓝天救援队（朝阳）",
    kind: "volunteer",
    specialties: ["水上救援", "综合救援", "心理援助"],
    headcount: 85,
    leader: "韩志勇",
    phone: "13910020007",
    equipment: "冲锋舟 4 艘、无人机 6 架",
    address: "朝阳区十八里店",
    lat: 39.8552,
    lng: 116.4904,
    ownerUnitId: "dept-emergency",
    status: "resting",
  },
  {
    code: "DW-DW-001",
    name: "建外街道应急小分队",
    kind: "unit",
    specialties: ["综合救援"],
    headcount: 20,
    leader: "郑丽",
    phone: "13910020008",
    address: "朝阳区建国门外大街",
    lat: 39.9082,
    lng: 116.4551,
    ownerUnitId: "110105001",
  },
  {
    code: "DW-DW-002",
    name: "望京街道应急小分队",
    kind: "unit",
    specialties: ["综合救援", "医疗救护"],
    headcount: 18,
    leader: "许洋",
    phone: "13910020009",
    address: "朝阳区望京街",
    lat: 39.9953,
    lng: 116.4702,
    ownerUnitId: "110105026",
  },
];

const EXPERTS: Rec[] = [
  {
    code: "ZJ-001",
    name: "陈立新",
    fields: ["危险化学品", "安全生产"],
    organisation: "北京化工大学",
    title: "教授",
    phone: "13801000001",
    ownerUnitId: "dept-emergency",
  },
  {
    code: "ZJ-002",
    name: "王海燕",
    fields: ["地震地质"],
    organisation: "中国地震局地球物理研究所",
    title: "研究员",
    phone: "13801000002",
    ownerUnitId: "dept-earthquake",
  },
  {
    code: "ZJ-003",
    name: "刘卫国",
    fields: ["城市燃气", "供热"],
    organisation: "北京市燃气集团",
    title: "高级工程师",
    phone: "13801000003",
    ownerUnitId: "dept-chengguan",
  },
  {
    code: "ZJ-004",
    name: "赵敏华",
    fields: ["传染病防控", "卫生应急"],
    organisation: "朝阳区疾病预防控制中心",
    title: "主任医师",
    phone: "13801000004",
    ownerUnitId: "dept-health",
  },
  {
    code: "ZJ-005",
    name: "孙建平",
    fields: ["建筑结构", "房屋安全鉴定"],
    organisation: "北京工业大学",
    title: "教授",
    phone: "13801000005",
    ownerUnitId: "dept-housing",
    availability: "busy",
  },
];

const WAREHOUSES: Rec[] = [
  {
    code: "CK-QJ-001",
    name: "区应急物资储备库",
    level: "district",
    address: "朝阳区王四营",
    lat: 39.8701,
    lng: 116.5251,
    areaM2: 3200,
    manager: "冯宝",
    phone: "010-67380000",
    ownerUnitId: "dept-emergency",
  },
  {
    code: "CK-QJ-002",
    name: "区城管委防汛物资储备库",
    level: "district",
    address: "朝阳区管庄",
    lat: 39.9201,
    lng: 116.5902,
    areaM2: 1500,
    manager: "马骏",
    phone: "13910030002",
    ownerUnitId: "dept-chengguan",
  },
  {
    code: "CK-JD-001",
    name: "建外街道应急物资储备点",
    level: "street",
    address: "朝阳区建外大街",
    lat: 39.9055,
    lng: 116.4602,
    areaM2: 120,
    manager: "郑丽",
    phone: "13910030003",
    ownerUnitId: "110105001",
  },
];

const SUPPLIES: Rec[] = [
  { code: "WZ-001", name: "救灾帐篷（12 平方米）", category: "生活保障类", unit: "顶" },
  { code: "WZ-002", name: "折叠床", category: "生活保障类", unit: "张" },
  { code: "WZ-003", name: "棉被", category: "生活保障类", unit: "床" },
  { code: "WZ-004", name: "瓶装饮用水（24 瓶/箱）", category: "生活保障类", unit: "箱", shelfLifeDays: 365 },
  { code: "WZ-005", name: "方便食品", category: "生活保障类", unit: "箱", shelfLifeDays: 270 },
  { code: "WZ-006", name: "防汛编织袋", category: "防汛抗旱类", unit: "条" },
  { code: "WZ-007", name: "救生衣", category: "防汛抗旱类", unit: "件" },
  { code: "WZ-008", name: "应急照明灯", category: "通信照明类", unit: "个" },
  { code: "WZ-009", name: "急救包", category: "医疗卫生类", unit: "个", shelfLifeDays: 730 },
  { code: "WZ-010", name: "医用外科口罩", category: "医疗卫生类", unit: "只", shelfLifeDays: 730 },
];

/** [warehouse code, supply code, batch, expiry in days from today (null: none), reserve mode, quantity] */
const STOCK: [string, string, string, number | null, string, number][] = [
  ["CK-QJ-001", "WZ-001", "", null, "physical", 800],
  ["CK-QJ-001", "WZ-002", "", null, "physical", 1500],
  ["CK-QJ-001", "WZ-003", "", null, "physical", 3000],
  ["CK-QJ-001", "WZ-004", "A", 300, "physical", 2000],
  ["CK-QJ-001", "WZ-005", "A", 240, "agreement_flow", 1200],
  ["CK-QJ-001", "WZ-009", "", 580, "physical", 600],
  ["CK-QJ-002", "WZ-006", "", null, "physical", 50000],
  ["CK-QJ-002", "WZ-007", "", null, "physical", 400],
  ["CK-QJ-002", "WZ-008", "", null, "physical", 300],
  ["CK-JD-001", "WZ-004", "B", 20, "physical", 120],
  ["CK-JD-001", "WZ-009", "", 400, "physical", 50],
  ["CK-JD-001", "WZ-010", "", 720, "physical", 5000],
];

/** A calendar day (Asia/Shanghai) `days` from now, so the demo always has one line about to expire. */
const dayFrom = (now: Date, days: number) =>
  new Date(now.getTime() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

const AGREEMENTS: Rec[] = [
  {
    code: "XY-2024-001",
    name: "生活必需品应急流动供应协议",
    kind: "flow_supply",
    supplier: "物美超市（朝阳区域）",
    items: "饮用水、方便食品、毛巾、卫生用品",
    capacity: "24 小时内饮用水 5000 箱、方便食品 3000 箱",
    responseHours: 6,
    validFrom: "2024-01-01",
    validTo: "2026-12-31",
    contact: "王经理",
    phone: "13910040001",
    ownerUnitId: "dept-commerce",
    address: "朝阳区朝阳北路",
    lat: 39.9232,
    lng: 116.5301,
  },
  {
    code: "XY-2024-002",
    name: "应急物资物流配送协议",
    kind: "flow_supply",
    supplier: "京东物流（朝阳分拨中心）",
    items: "应急物资紧急配送",
    capacity: "4 小时内 20 辆厢式货车",
    responseHours: 4,
    validFrom: "2024-03-01",
    validTo: "2027-02-28",
    contact: "李主管",
    phone: "13910040002",
    ownerUnitId: "dept-commerce",
    address: "朝阳区金盏",
    lat: 39.9751,
    lng: 116.6003,
  },
  {
    code: "XY-2023-003",
    name: "救灾帐篷生产供应协议",
    kind: "production",
    supplier: "北京某应急装备有限公司",
    items: "救灾帐篷、折叠床",
    capacity: "72 小时内帐篷 1000 顶",
    responseHours: 72,
    validFrom: "2023-06-01",
    validTo: "2026-05-31",
    contact: "张厂长",
    phone: "010-80001234",
    ownerUnitId: "dept-development-reform",
  },
  {
    code: "XY-2024-004",
    name: "社会救援力量服务保障协议",
    kind: "rescue_service",
    supplier: "北京蓝天救援队",
    items: "水域救援、山地搜救、应急救护",
    capacity: "30 人、冲锋舟 4 艘",
    responseHours: 2,
    validFrom: "2024-01-01",
    validTo: "2025-12-31",
    contact: "韩志勇",
    phone: "13910020007",
    ownerUnitId: "dept-emergency",
  },
];

const ALL_FACILITIES = [
  "command_post",
  "tent_area",
  "water",
  "lighting_power",
  "communications",
  "supplies",
  "broadcast",
  "medical_epidemic",
  "toilets",
];

const SHELTERS: Rec[] = [
  {
    code: "BN-001",
    name: "朝阳公园应急避难场所",
    type: "park",
    class: "I",
    areaM2: 1_200_000,
    capacity: 100_000,
    facilities: ALL_FACILITIES,
    address: "朝阳区朝阳公园南路1号",
    lat: 39.9431,
    lng: 116.4789,
    ownerUnitId: "dept-landscaping",
    manager: "公园管理处",
    phone: "010-65953912",
  },
  {
    code: "BN-002",
    name: "奥林匹克森林公园应急避难场所",
    type: "park",
    class: "I",
    areaM2: 2_000_000,
    capacity: 150_000,
    facilities: ALL_FACILITIES,
    address: "朝阳区科荟路33号",
    lat: 40.0152,
    lng: 116.3951,
    ownerUnitId: "dept-landscaping",
    manager: "公园管理处",
    phone: "010-64529060",
  },
  {
    code: "BN-003",
    name: "红领巾公园应急避难场所",
    type: "park",
    class: "II",
    areaM2: 390_000,
    capacity: 30_000,
    facilities: ["command_post", "tent_area", "water", "lighting_power", "broadcast", "toilets"],
    address: "朝阳区红领巾桥东",
    lat: 39.9238,
    lng: 116.4951,
    ownerUnitId: "dept-landscaping",
    manager: "公园管理处",
    phone: "010-85950000",
  },
  {
    code: "BN-004",
    name: "朝阳体育中心应急避难场所",
    type: "stadium",
    class: "II",
    areaM2: 120_000,
    capacity: 20_000,
    facilities: [
      "command_post",
      "water",
      "lighting_power",
      "communications",
      "broadcast",
      "medical_epidemic",
      "toilets",
    ],
    address: "朝阳区姚家园路2号",
    lat: 39.9402,
    lng: 116.5203,
    ownerUnitId: "dept-sports",
    manager: "体育中心",
    phone: "010-85811234",
  },
  {
    code: "BN-005",
    name: "团结湖公园应急避难场所",
    type: "park",
    class: "III",
    areaM2: 120_000,
    capacity: 8_000,
    facilities: ["tent_area", "water", "lighting_power", "toilets"],
    address: "朝阳区团结湖南里",
    lat: 39.9301,
    lng: 116.4701,
    ownerUnitId: "110105013",
    manager: "团结湖街道",
    phone: "010-85973000",
  },
  {
    code: "BN-006",
    name: "太阳宫公园应急避难场所",
    type: "park",
    class: "III",
    areaM2: 270_000,
    capacity: 15_000,
    facilities: ["tent_area", "water", "lighting_power", "broadcast", "toilets"],
    address: "朝阳区太阳宫北街",
    lat: 39.9751,
    lng: 116.4501,
    ownerUnitId: "110105024",
    manager: "太阳宫地区",
    phone: "010-84270000",
  },
  {
    code: "BN-007",
    name: "日坛中学操场应急避难场所",
    type: "school",
    class: "III",
    areaM2: 15_000,
    capacity: 2_000,
    facilities: ["tent_area", "water", "toilets"],
    address: "朝阳区光华路",
    lat: 39.9132,
    lng: 116.4501,
    ownerUnitId: "dept-education",
    manager: "学校后勤",
    phone: "010-65000000",
  },
];

const EQUIPMENT: Rec[] = [
  {
    code: "ZB-001",
    name: "大功率排水抢险车",
    type: "排水抢险车",
    quantity: 3,
    address: "朝阳区广渠路",
    lat: 39.8931,
    lng: 116.5021,
    ownerUnitId: "dept-water",
    condition: "good",
  },
  {
    code: "ZB-002",
    name: "应急通信指挥车",
    type: "移动通信车",
    quantity: 1,
    address: "朝阳区朝阳路",
    lat: 39.9151,
    lng: 116.5212,
    ownerUnitId: "dept-emergency",
    condition: "good",
  },
  {
    code: "ZB-003",
    name: "举高喷射消防车",
    type: "消防车",
    quantity: 2,
    address: "朝阳区东三环中路",
    lat: 39.9172,
    lng: 116.4621,
    ownerUnitId: "dept-fire",
    condition: "good",
  },
  {
    code: "ZB-004",
    name: "移动发电车（500kW）",
    type: "发电车",
    quantity: 2,
    address: "朝阳区姚家园路",
    lat: 39.9411,
    lng: 116.5112,
    ownerUnitId: "dept-chengguan",
    condition: "maintenance",
  },
  {
    code: "ZB-005",
    name: "履带式挖掘机",
    type: "工程机械",
    quantity: 2,
    address: "朝阳区东坝",
    lat: 39.9712,
    lng: 116.5611,
    ownerUnitId: "dept-housing",
    condition: "good",
  },
];

/** Chaoyang's district committee director, the authority 000 §6.9 gives for opening shelters. */
const SEED_DIRECTOR: SessionUser = {
  id: "system:seed",
  username: "system",
  displayName: "演示数据",
  unitId: "committee",
  unitName: "区应急委",
  roles: ["committee_director"],
  categories: [],
  locale: "zh-CN",
};

/** 区应急办, which keeps the district's registries (000 §6.2): the demo records are entered as it. */
const SEED_OFFICE: SessionUser = {
  ...SEED_DIRECTOR,
  unitId: "office",
  unitName: "区应急办",
  roles: ["office_staff"],
};

interface DemoSet {
  teams: Rec[];
  experts: Rec[];
  warehouses: Rec[];
  supplies: Rec[];
  agreements: Rec[];
  shelters: Rec[];
  equipment: Rec[];
  stock: [string, string, string, number | null, string, number][];
  /** The shelter opened in the demo, and the user who may open it under this plan. */
  openShelter?: { code: string; by: SessionUser; occupancy: number };
}

/** Demo records per district (they name each district's own units and places). */
const DEMO_SETS: Record<string, DemoSet> = {
  "110105": {
    teams: TEAMS,
    experts: EXPERTS,
    warehouses: WAREHOUSES,
    supplies: SUPPLIES,
    agreements: AGREEMENTS,
    shelters: SHELTERS,
    equipment: EQUIPMENT,
    stock: STOCK,
    openShelter: { code: "BN-001", by: SEED_DIRECTOR, occupancy: 1260 },
  },
  "410311": {
    teams: LUOLONG_TEAMS,
    experts: LUOLONG_EXPERTS,
    warehouses: LUOLONG_WAREHOUSES,
    supplies: LUOLONG_SUPPLIES,
    agreements: [],
    shelters: LUOLONG_SHELTERS,
    equipment: LUOLONG_EQUIPMENT,
    stock: LUOLONG_STOCK,
    // 002 §5.4.4 (6): 民政 and 人防 lead evacuation and resettlement (the profile's shelterActivation).
    openShelter: {
      code: "LL-BN-001",
      by: { ...SEED_OFFICE, unitId: "dept-civil-defence", unitName: "区人防办", roles: ["dept_head"] },
      occupancy: 320,
    },
  },
};

/** Loads the demo resources once, for the districts that have a demo set (Chaoyang, Luolong). */
export async function seedResourcesDemo(ctx: AppContext): Promise<void> {
  const set = DEMO_SETS[ctx.plan.org.district.code];
  if (!set) {
    return;
  }
  if ((await repo.countRecords(ctx.db, REGISTRIES.teams)) > 0) {
    return;
  }
  await runCommand(ctx, SYSTEM, async (scope) => {
    const ids = new Map<string, string>();
    const create = async (name: RegistryName, records: Rec[]) => {
      for (const r of records) {
        ids.set(String(r.code), await createRecord(ctx, scope, SEED_OFFICE, REGISTRIES[name], r));
      }
    };
    await create("teams", set.teams);
    await create("experts", set.experts);
    await create("warehouses", set.warehouses);
    await create("supplies", set.supplies);
    await create("agreements", set.agreements);
    await create("shelters", set.shelters);
    await create("equipment", set.equipment);
    for (const [warehouse, supply, batch, expiresIn, reserveMode, quantity] of set.stock) {
      await createStockLine(ctx, scope, SEED_OFFICE, {
        warehouseId: ids.get(warehouse) ?? "",
        supplyId: ids.get(supply) ?? "",
        batch,
        expiryDate: expiresIn === null ? null : dayFrom(scope.now, expiresIn),
        reserveMode,
        quantity,
        reason: "演示数据建账",
      });
    }
    const park = set.openShelter ? ids.get(set.openShelter.code) : undefined;
    if (park && set.openShelter) {
      await openShelter(ctx, scope, set.openShelter.by, park, { comment: "演示：已启用的避难场所" });
      await setOccupancy(ctx, scope, SEED_OFFICE, park, set.openShelter.occupancy);
    }
  });
}
