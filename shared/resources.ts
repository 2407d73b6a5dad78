/**
 * Vocabularies of the emergency-resources module (issue 6), shared by the server's checks and the
 * web forms so a form's rule and the server's rule are the same constant (STYLE: shared/).
 * Chinese labels are data (shown in exports, templates and 403/400 messages); the web app also has
 * i18n keys for them.
 */

/** 000 §6.2 team kinds; 001 notes §4 adds Red Cross auxiliary teams, counted here as volunteer teams. */
export const TEAM_KIND_LABELS = {
  comprehensive: "综合应急救援队伍",
  professional: "专业应急救援队伍",
  armed: "解放军、武警和民兵预备役",
  expert: "专家队伍",
  volunteer: "应急志愿者队伍",
  unit: "单位兼职或专职队伍",
} as const;
export type TeamKind = keyof typeof TEAM_KIND_LABELS;

export const TEAM_STATUS_LABELS = {
  available: "待命",
  deployed: "已出动",
  resting: "休整",
  unavailable: "不可用",
} as const;
export type TeamStatus = keyof typeof TEAM_STATUS_LABELS;

/** Specialties from 001 notes §4 and 003 notes (RescueTeam); free text is also accepted. */
export const TEAM_SPECIALTIES = [
  "防汛抗旱",
  "地震地质",
  "森林防火",
  "消防",
  "危化品",
  "建筑工程",
  "燃气",
  "供水排水",
  "电力",
  "供热",
  "通信保障",
  "交通",
  "医疗救护",
  "卫生防疫",
  "环境监测",
  "水上救援",
  "高空救援",
  "心理援助",
  "治安",
  "反恐",
  "综合救援",
] as const;

export const EXPERT_AVAILABILITY_LABELS = {
  available: "可联系",
  busy: "暂不便",
  unavailable: "不可用",
} as const;

/** 003 notes: warehouse level district / 镇街 / village (community in Chaoyang). */
export const WAREHOUSE_LEVEL_LABELS = {
  district: "区级",
  street: "街道（乡）级",
  community: "社区（村）级",
} as const;

/** 000 §6.7: physical stock, flow-supply agreements (区商务局) and production agreements (区发展改革委). */
export const RESERVE_MODE_LABELS = {
  physical: "实物储备",
  agreement_flow: "协议流动储备",
  agreement_production: "协议生产能力储备",
} as const;
export type ReserveMode = keyof typeof RESERVE_MODE_LABELS;

export const SUPPLY_CATEGORIES = [
  "生活保障类",
  "救援装备类",
  "医疗卫生类",
  "防汛抗旱类",
  "消防类",
  "通信照明类",
  "工程抢险类",
  "其他",
] as const;

/** 000 §6.7 agreements; 004 notes: pre-signed purchase agreements with supermarkets. */
export const AGREEMENT_KIND_LABELS = {
  flow_supply: "应急物资流动供应协议",
  production: "应急物资生产供应协议",
  rescue_service: "应急救援服务保障协议",
  requisition: "征用登记",
} as const;

/** 000 §6.9: 公园、绿地、广场、体育场馆、学校操场; 001 notes §8 adds civil-defence works. */
export const SHELTER_TYPE_LABELS = {
  park: "公园",
  green_space: "绿地",
  square: "广场",
  school: "学校",
  stadium: "体育场馆",
  civil_defence: "人防工程",
  other: "其他",
} as const;

/** 001 notes §8 (Ⅰ类地震应急避难场所), 003 notes (class II / III). */
export const SHELTER_CLASS_LABELS = {
  I: "Ⅰ类",
  II: "Ⅱ类",
  III: "Ⅲ类",
  other: "其他",
} as const;

export const SHELTER_STATUS_LABELS = { closed: "未启用", open: "已启用" } as const;
export type ShelterStatus = keyof typeof SHELTER_STATUS_LABELS;

/**
 * 000 §6.9: 应急指挥部、应急棚宿区、应急供水、应急照明用电、应急通讯、应急物资供应，以及临时广播、
 * 卫生防疫和应急厕所 — the nine facilities every shelter must reserve.
 */
export const SHELTER_FACILITY_LABELS = {
  command_post: "应急指挥部",
  tent_area: "应急棚宿区",
  water: "应急供水",
  lighting_power: "应急照明用电",
  communications: "应急通讯",
  supplies: "应急物资供应",
  broadcast: "临时广播",
  medical_epidemic: "卫生防疫",
  toilets: "应急厕所",
} as const;
export type ShelterFacility = keyof typeof SHELTER_FACILITY_LABELS;
export const SHELTER_FACILITIES = Object.keys(SHELTER_FACILITY_LABELS) as ShelterFacility[];

export const EQUIPMENT_CONDITION_LABELS = {
  good: "完好",
  maintenance: "维护中",
  broken: "损坏",
} as const;

/** Stock ledger movement kinds (issue 6 §1). Transfers are written as a pair out/in. */
export const MOVEMENT_KIND_LABELS = {
  in: "入库",
  out: "出库",
  transfer_out: "调拨出库",
  transfer_in: "调拨入库",
  adjust: "盘点调整",
  expired: "过期报废",
  dispatch_out: "调用出库",
  dispatch_return: "调用归还",
} as const;
export type MovementKind = keyof typeof MOVEMENT_KIND_LABELS;

/** What a client may post to /api/stock/movements; dispatch movements come from the dispatch flow. */
export const MANUAL_MOVEMENT_KINDS = ["in", "out", "transfer", "adjust", "expired"] as const;
export type ManualMovementKind = (typeof MANUAL_MOVEMENT_KINDS)[number];

export const DISPATCH_STATE_LABELS = {
  requested: "待审批",
  approved: "已批准",
  rejected: "已驳回",
  dispatched: "已出发",
  arrived: "已到达",
  returned: "已归还",
  consumed: "已消耗",
} as const;
export type DispatchState = keyof typeof DISPATCH_STATE_LABELS;

export const DISPATCH_RESOURCE_LABELS = {
  team: "应急队伍",
  stock: "应急物资",
  equipment: "大型装备",
} as const;
export type DispatchResource = keyof typeof DISPATCH_RESOURCE_LABELS;

/** Kinds of resources on the map and in nearest-K search. */
export const GEO_KIND_LABELS = {
  team: "应急队伍",
  warehouse: "储备库",
  shelter: "避难场所",
  equipment: "大型装备",
  expert: "专家",
  agreement: "协议单位",
} as const;
export type GeoKind = keyof typeof GEO_KIND_LABELS;
export const GEO_KINDS = Object.keys(GEO_KIND_LABELS) as GeoKind[];

/**
 * A dialable number: mainland mobile (11 digits), a landline with optional area code and extension,
 * or a short public-service number (110/119/120, 96777-style hotlines).
 */
export const PHONE_PATTERN =
  "^(1[3-9][0-9]{9}|(0[0-9]{2,3}-?)?[2-9][0-9]{6,7}(-[0-9]{1,6})?|1[0-9]{2}|9[0-9]{4})$";

/** Imports above this many rows are refused (413); the issue asks for 10,000 in ≤10 s. */
export const IMPORT_MAX_ROWS = 50_000;
/** Upload size limit for an import file. */
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;
