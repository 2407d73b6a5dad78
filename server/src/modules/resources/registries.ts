/**
 * The registries of issue 6 §1 described once as data: each field's API name, column, Chinese
 * header and type. CRUD schemas, list filters, the presenter, the Excel/CSV template, import
 * validation and export are all derived from these descriptions, so they cannot drift apart.
 */
import {
  AGREEMENT_KIND_LABELS,
  EQUIPMENT_CONDITION_LABELS,
  EXPERT_AVAILABILITY_LABELS,
  type GeoKind,
  RESERVE_MODE_LABELS,
  SHELTER_CLASS_LABELS,
  SHELTER_FACILITY_LABELS,
  SHELTER_STATUS_LABELS,
  SHELTER_TYPE_LABELS,
  SUPPLY_CATEGORIES,
  TEAM_KIND_LABELS,
  TEAM_STATUS_LABELS,
  WAREHOUSE_LEVEL_LABELS,
} from "../../../../shared/resources.js";

export type FieldType =
  | { t: "text"; max: number }
  | { t: "int"; min: number; max?: number }
  | { t: "number"; min: number; max?: number }
  | { t: "enum"; labels: Readonly<Record<string, string>> }
  | { t: "list"; labels?: Readonly<Record<string, string>> }
  | { t: "phone" }
  | { t: "date" }
  | { t: "unit" }
  | { t: "lat" }
  | { t: "lng" }
  /** A row of another registry, given by its code in imports (stock lines). */
  | { t: "ref"; registry: "warehouses" | "supplies" };

export interface FieldDef {
  /** API name (camelCase). */
  key: string;
  column: string;
  /** Chinese column header in templates, exports and import reports. */
  label: string;
  type: FieldType;
  required?: boolean;
  /** Managed by workflows (dispatch, activation), never set by create/update/import. */
  system?: boolean;
  /** Offered as an exact-match list filter. */
  filter?: boolean;
  /** Default on create when absent. */
  default?: string | number | string[];
  /** One line for the template's instructions sheet. */
  help?: string;
}

export type RegistryName =
  | "teams"
  | "experts"
  | "warehouses"
  | "supplies"
  | "agreements"
  | "shelters"
  | "equipment";

export type RegistryTable =
  | "res_teams"
  | "res_experts"
  | "res_warehouses"
  | "res_supplies"
  | "res_agreements"
  | "res_shelters"
  | "res_equipment";

export interface RegistryDef {
  name: RegistryName;
  table: RegistryTable;
  /** Audit entity type. */
  entity: string;
  label: string;
  codePrefix: string;
  fields: FieldDef[];
  /** Columns searched by `q` (besides code and name). */
  search: string[];
  /** Whether records belong to an org unit (owner_unit_id). */
  owned: boolean;
  /** Place on the map and in nearest-K search. */
  geo?: { kind: GeoKind; category?: string; status?: string; tags?: string };
}

const code: FieldDef = {
  key: "code",
  column: "code",
  label: "编码",
  type: { t: "text", max: 64 },
  help: "唯一编码；留空则自动生成。重复编码整表不予导入。",
};
const name = (label: string): FieldDef => ({
  key: "name",
  column: "name",
  label,
  type: { t: "text", max: 200 },
  required: true,
});
const notes: FieldDef = { key: "notes", column: "notes", label: "备注", type: { t: "text", max: 2000 } };
const address: FieldDef = { key: "address", column: "address", label: "地址", type: { t: "text", max: 500 } };
const lat = (required: boolean): FieldDef => ({
  key: "lat",
  column: "lat",
  label: "纬度",
  type: { t: "lat" },
  required,
  help: "WGS-84 十进制度，须在本区范围内，如 39.9219",
});
const lng = (required: boolean): FieldDef => ({
  key: "lng",
  column: "lng",
  label: "经度",
  type: { t: "lng" },
  required,
  help: "WGS-84 十进制度，须在本区范围内，如 116.4436",
});
const owner = (label: string): FieldDef => ({
  key: "ownerUnitId",
  column: "owner_unit_id",
  label,
  type: { t: "unit" },
  required: true,
  help: "组织机构中的单位名称、简称或编号，如 区城管委、建外街道",
});
const phone = (label: string, required: boolean): FieldDef => ({
  key: "phone",
  column: "phone",
  label,
  type: { t: "phone" },
  required,
  help: "手机 11 位，或座机（可带区号、分机），如 010-65099000",
});

export const REGISTRIES: Record<RegistryName, RegistryDef> = {
  teams: {
    name: "teams",
    table: "res_teams",
    entity: "team",
    label: "应急队伍",
    codePrefix: "DW",
    search: ["leader", "equipment", "address"],
    owned: true,
    geo: { kind: "team", category: "kind", status: "status", tags: "specialties" },
    fields: [
      code,
      name("队伍名称"),
      {
        key: "kind",
        column: "kind",
        label: "队伍类型",
        type: { t: "enum", labels: TEAM_KIND_LABELS },
        required: true,
        filter: true,
        help: "000 §6.2：综合、专业、解放军武警民兵、专家、志愿者、单位队伍",
      },
      {
        key: "specialties",
        column: "specialties",
        label: "专业特长",
        type: { t: "list" },
        default: [],
        help: "多个用顿号或逗号分隔，如 燃气、供热",
      },
      {
        key: "headcount",
        column: "headcount",
        label: "人数",
        type: { t: "int", min: 0, max: 100000 },
        required: true,
      },
      { key: "leader", column: "leader", label: "负责人", type: { t: "text", max: 64 } },
      phone("24小时联系电话", true),
      { key: "equipment", column: "equipment", label: "主要装备", type: { t: "text", max: 2000 } },
      address,
      lat(true),
      lng(true),
      owner("主管单位"),
      {
        key: "status",
        column: "status",
        label: "状态",
        type: { t: "enum", labels: TEAM_STATUS_LABELS },
        default: "available",
        filter: true,
        help: "待命、休整、不可用；“已出动”由调用流程设置",
      },
      notes,
    ],
  },
  experts: {
    name: "experts",
    table: "res_experts",
    entity: "expert",
    label: "应急专家",
    codePrefix: "ZJ",
    search: ["organisation", "title"],
    owned: true,
    geo: { kind: "expert", status: "availability", tags: "fields" },
    fields: [
      code,
      name("姓名"),
      {
        key: "fields",
        column: "fields",
        label: "专业领域",
        type: { t: "list" },
        required: true,
        help: "多个用顿号或逗号分隔",
      },
      { key: "organisation", column: "organisation", label: "工作单位", type: { t: "text", max: 200 } },
      { key: "title", column: "title", label: "职称职务", type: { t: "text", max: 100 } },
      phone("联系电话", true),
      {
        key: "availability",
        column: "availability",
        label: "可用状态",
        type: { t: "enum", labels: EXPERT_AVAILABILITY_LABELS },
        default: "available",
        filter: true,
      },
      owner("聘用单位"),
      address,
      lat(false),
      lng(false),
      notes,
    ],
  },
  warehouses: {
    name: "warehouses",
    table: "res_warehouses",
    entity: "warehouse",
    label: "储备库",
    codePrefix: "CK",
    search: ["address", "manager"],
    owned: true,
    geo: { kind: "warehouse", category: "level" },
    fields: [
      code,
      name("储备库名称"),
      {
        key: "level",
        column: "level",
        label: "级别",
        type: { t: "enum", labels: WAREHOUSE_LEVEL_LABELS },
        required: true,
        filter: true,
      },
      address,
      lat(true),
      lng(true),
      { key: "areaM2", column: "area_m2", label: "面积（平方米）", type: { t: "number", min: 0 } },
      { key: "manager", column: "manager", label: "管理人", type: { t: "text", max: 64 } },
      phone("联系电话", false),
      owner("管理单位"),
      notes,
    ],
  },
  supplies: {
    name: "supplies",
    table: "res_supplies",
    entity: "supply",
    label: "物资目录",
    codePrefix: "WZ",
    search: ["spec"],
    owned: false,
    fields: [
      code,
      name("物资名称"),
      {
        key: "category",
        column: "category",
        label: "类别",
        type: { t: "enum", labels: Object.fromEntries(SUPPLY_CATEGORIES.map((c) => [c, c])) },
        required: true,
        filter: true,
      },
      { key: "unit", column: "unit", label: "计量单位", type: { t: "text", max: 16 }, required: true },
      { key: "spec", column: "spec", label: "规格型号", type: { t: "text", max: 200 } },
      {
        key: "shelfLifeDays",
        column: "shelf_life_days",
        label: "保质期（天）",
        type: { t: "int", min: 1, max: 36500 },
      },
      notes,
    ],
  },
  agreements: {
    name: "agreements",
    table: "res_agreements",
    entity: "agreement",
    label: "协议储备",
    codePrefix: "XY",
    search: ["supplier", "items", "contact"],
    owned: true,
    geo: { kind: "agreement", category: "kind" },
    fields: [
      code,
      name("协议名称"),
      {
        key: "kind",
        column: "kind",
        label: "协议类型",
        type: { t: "enum", labels: AGREEMENT_KIND_LABELS },
        required: true,
        filter: true,
        help: "000 §6.7：流动供应协议（区商务局）、生产供应协议（区发展改革委）；000 §6.2 救援服务保障协议",
      },
      {
        key: "supplier",
        column: "supplier",
        label: "供应单位",
        type: { t: "text", max: 200 },
        required: true,
      },
      { key: "items", column: "items", label: "供应物资", type: { t: "text", max: 2000 }, required: true },
      { key: "capacity", column: "capacity", label: "供应能力", type: { t: "text", max: 500 } },
      {
        key: "responseHours",
        column: "response_hours",
        label: "响应时间（小时）",
        type: { t: "number", min: 0, max: 720 },
      },
      { key: "validFrom", column: "valid_from", label: "生效日期", type: { t: "date" } },
      { key: "validTo", column: "valid_to", label: "到期日期", type: { t: "date" } },
      { key: "contact", column: "contact", label: "联系人", type: { t: "text", max: 64 } },
      phone("联系电话", false),
      owner("签约单位"),
      address,
      lat(false),
      lng(false),
      notes,
    ],
  },
  shelters: {
    name: "shelters",
    table: "res_shelters",
    entity: "shelter",
    label: "应急避难场所",
    codePrefix: "BN",
    search: ["address", "manager"],
    owned: true,
    geo: { kind: "shelter", category: "type", status: "status" },
    fields: [
      code,
      name("场所名称"),
      {
        key: "type",
        column: "type",
        label: "场所类型",
        type: { t: "enum", labels: SHELTER_TYPE_LABELS },
        required: true,
        filter: true,
      },
      {
        key: "class",
        column: "class",
        label: "场所类别",
        type: { t: "enum", labels: SHELTER_CLASS_LABELS },
        required: true,
        filter: true,
      },
      { key: "areaM2", column: "area_m2", label: "面积（平方米）", type: { t: "number", min: 0 } },
      { key: "capacity", column: "capacity", label: "容纳人数", type: { t: "int", min: 0 }, required: true },
      {
        key: "facilities",
        column: "facilities",
        label: "配套设施",
        type: { t: "list", labels: SHELTER_FACILITY_LABELS },
        default: [],
        help: "000 §6.9 九项：应急指挥部、应急棚宿区、应急供水、应急照明用电、应急通讯、应急物资供应、临时广播、卫生防疫、应急厕所",
      },
      address,
      lat(true),
      lng(true),
      owner("责任单位"),
      { key: "manager", column: "manager", label: "管理人", type: { t: "text", max: 64 } },
      phone("联系电话", false),
      {
        key: "status",
        column: "status",
        label: "启用状态",
        type: { t: "enum", labels: SHELTER_STATUS_LABELS },
        system: true,
        filter: true,
      },
      {
        key: "occupancy",
        column: "occupancy",
        label: "当前安置人数",
        type: { t: "int", min: 0 },
        system: true,
      },
      { key: "openedAt", column: "opened_at", label: "启用时间", type: { t: "text", max: 32 }, system: true },
      {
        key: "incidentId",
        column: "incident_id",
        label: "关联事件",
        type: { t: "text", max: 64 },
        system: true,
      },
      notes,
    ],
  },
  equipment: {
    name: "equipment",
    table: "res_equipment",
    entity: "equipment",
    label: "大型装备",
    codePrefix: "ZB",
    search: ["type", "address"],
    owned: true,
    geo: { kind: "equipment", category: "type", status: "condition" },
    fields: [
      code,
      name("装备名称"),
      {
        key: "type",
        column: "type",
        label: "装备类型",
        type: { t: "text", max: 64 },
        required: true,
        filter: true,
      },
      {
        key: "quantity",
        column: "quantity",
        label: "数量",
        type: { t: "int", min: 0, max: 100000 },
        required: true,
      },
      { key: "deployed", column: "deployed", label: "在用数量", type: { t: "int", min: 0 }, system: true },
      address,
      lat(true),
      lng(true),
      owner("所属单位"),
      {
        key: "condition",
        column: "condition",
        label: "状况",
        type: { t: "enum", labels: EQUIPMENT_CONDITION_LABELS },
        default: "good",
        filter: true,
      },
      notes,
    ],
  },
};

export const REGISTRY_NAMES = Object.keys(REGISTRIES) as RegistryName[];

/** The sheet of stock lines (issue 6 §2: import/export for every registry, stock included). */
export const STOCK_SHEET: FieldDef[] = [
  {
    key: "warehouseCode",
    column: "warehouse_id",
    label: "储备库编码",
    type: { t: "ref", registry: "warehouses" },
    required: true,
  },
  {
    key: "supplyCode",
    column: "supply_id",
    label: "物资编码",
    type: { t: "ref", registry: "supplies" },
    required: true,
  },
  { key: "batch", column: "batch", label: "批次", type: { t: "text", max: 64 }, default: "" },
  { key: "expiryDate", column: "expiry_date", label: "有效期至", type: { t: "date" } },
  {
    key: "reserveMode",
    column: "reserve_mode",
    label: "储备方式",
    type: { t: "enum", labels: RESERVE_MODE_LABELS },
    default: "physical",
  },
  {
    key: "quantity",
    column: "quantity",
    label: "数量",
    type: { t: "int", min: 0 },
    required: true,
    help: "入库数量，不能为负；已有的库存行将按此数量入库",
  },
];

/** Fields a client may write (create/update/import). */
export const writableFields = (def: RegistryDef) => def.fields.filter((f) => !f.system);
