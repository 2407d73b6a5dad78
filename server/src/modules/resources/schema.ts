/**
 * Request/response schemas of the resources module. Registry schemas are derived from the field
 * descriptions in registries.ts; the rest (stock, dispatch, nearest, import jobs) are declared here.
 */
import { type Static, type TSchema, type TUnsafe, Type } from "typebox";
import {
  DISPATCH_RESOURCE_LABELS,
  DISPATCH_STATE_LABELS,
  GEO_KINDS,
  MANUAL_MOVEMENT_KINDS,
  MOVEMENT_KIND_LABELS,
  PHONE_PATTERN,
  RESERVE_MODE_LABELS,
} from "../../../../shared/resources.js";
import { PageQuery } from "../../http/pagination.js";
import type { FieldDef, RegistryDef } from "./registries.js";

const keys = (labels: Readonly<Record<string, string>>) => Object.keys(labels);

export const DATE_PATTERN = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

/** Accepts null besides the schema's own type, keeping Ajv's messages about the field itself. */
export function nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  const raw = schema as unknown as Record<string, unknown>;
  if (Array.isArray(raw.enum)) {
    return Type.Unsafe<Static<T> | null>({ ...raw, enum: [...(raw.enum as unknown[]), null] } as TSchema);
  }
  return Type.Unsafe<Static<T> | null>({ ...raw, type: [raw.type, "null"] } as TSchema);
}

/** The JSON schema of one field as a client writes it. */
export function fieldSchema(f: FieldDef): TSchema {
  const t = f.type;
  switch (t.t) {
    case "text":
      return Type.String({ maxLength: t.max, ...(f.required ? { minLength: 1 } : {}), description: f.label });
    case "int":
      return Type.Integer({
        minimum: t.min,
        ...(t.max !== undefined ? { maximum: t.max } : {}),
        description: f.label,
      });
    case "number":
      return Type.Number({
        minimum: t.min,
        ...(t.max !== undefined ? { maximum: t.max } : {}),
        description: f.label,
      });
    case "enum":
      return Type.Enum(keys(t.labels), { description: f.label });
    case "list":
      return Type.Array(t.labels ? Type.Enum(keys(t.labels)) : Type.String({ minLength: 1, maxLength: 64 }), {
        maxItems: 50,
        uniqueItems: true,
        description: f.label,
      });
    case "phone":
      return Type.String({ pattern: PHONE_PATTERN, description: f.label });
    case "date":
      return Type.String({ pattern: DATE_PATTERN, description: `${f.label}（YYYY-MM-DD）` });
    case "unit":
    case "ref":
      return Type.String({ minLength: 1, maxLength: 64, description: f.label });
    case "lat":
      return Type.Number({ minimum: -90, maximum: 90, description: f.label });
    case "lng":
      return Type.Number({ minimum: -180, maximum: 180, description: f.label });
  }
}

/** The JSON schema of one field as the server presents it. */
function viewSchema(f: FieldDef): TSchema {
  const t = f.type;
  const base =
    t.t === "int"
      ? Type.Integer()
      : t.t === "number" || t.t === "lat" || t.t === "lng"
        ? Type.Number()
        : t.t === "list"
          ? Type.Array(Type.String())
          : Type.String();
  return f.required || t.t === "list" ? base : nullable(base);
}

export function createBody(def: RegistryDef): TSchema {
  const props: Record<string, TSchema> = {};
  for (const f of def.fields) {
    if (f.system) {
      continue;
    }
    props[f.key] = f.required ? fieldSchema(f) : Type.Optional(nullable(fieldSchema(f)));
  }
  return Type.Object(props, { additionalProperties: false });
}

export function updateBody(def: RegistryDef): TSchema {
  const props: Record<string, TSchema> = {};
  for (const f of def.fields) {
    if (f.system) {
      continue;
    }
    props[f.key] = Type.Optional(f.required ? fieldSchema(f) : nullable(fieldSchema(f)));
  }
  return Type.Object(props, { additionalProperties: false, minProperties: 1 });
}

export function recordView(def: RegistryDef): TSchema {
  const props: Record<string, TSchema> = { id: Type.String() };
  for (const f of def.fields) {
    props[f.key] = viewSchema(f);
  }
  if (def.owned) {
    props.ownerUnitName = Type.String();
  }
  props.createdAt = Type.String();
  props.updatedAt = Type.String();
  props.allowedActions = Type.Array(Type.String());
  return Type.Object(props);
}

export function listQuery(def: RegistryDef): TSchema {
  const props: Record<string, TSchema> = {
    q: Type.Optional(Type.String({ maxLength: 100, description: "编码、名称等关键词" })),
    ...PageQuery,
  };
  if (def.owned) {
    props.ownerUnitId = Type.Optional(Type.String({ maxLength: 64 }));
  }
  for (const f of def.fields) {
    if (f.filter) {
      props[f.key] = Type.Optional(fieldSchema({ ...f, required: false }));
    }
  }
  if (def.geo?.tags) {
    props.tag = Type.Optional(Type.String({ maxLength: 64, description: "专业特长／领域（包含）" }));
  }
  return Type.Object(props, { additionalProperties: false });
}

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const ImportQuery = Type.Object(
  {
    mode: Type.Optional(
      Type.Enum(["create", "upsert"], {
        default: "create",
        description: "create：只新增；upsert：编码已存在则更新",
      }),
    ),
    format: Type.Optional(Type.Enum(["xlsx", "csv"])),
    fileName: Type.Optional(Type.String({ maxLength: 200 })),
    wait: Type.Optional(Type.Boolean({ description: "true：等待导入完成后返回结果（失败时 400）" })),
  },
  { additionalProperties: false },
);

export const RowError = Type.Object({
  row: Type.Integer({ description: "表格中的行号（含表头，从 1 起）" }),
  column: Type.String({ description: "列名（中文表头）" }),
  field: Type.String(),
  value: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
});

export const ImportJobView = Type.Object({
  id: Type.String(),
  registry: Type.String(),
  mode: Type.String(),
  fileName: Type.Union([Type.String(), Type.Null()]),
  state: Type.Enum(["running", "done", "failed"]),
  phase: Type.Enum(["parse", "validate", "write", "done", "failed"]),
  total: Type.Integer(),
  processed: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  errors: Type.Array(RowError),
  errorCount: Type.Integer(),
  detail: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});

export const HistoryView = Type.Object({
  items: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      at: Type.String(),
      action: Type.String(),
      actorName: Type.Union([Type.String(), Type.Null()]),
      before: Type.Unknown(),
      after: Type.Unknown(),
    }),
  ),
});

// ---------------------------------------------------------------------------------------------
// stock
// ---------------------------------------------------------------------------------------------

export const StockView = Type.Object({
  id: Type.String(),
  warehouseId: Type.String(),
  warehouseCode: Type.String(),
  warehouseName: Type.String(),
  ownerUnitId: Type.String(),
  ownerUnitName: Type.String(),
  supplyId: Type.String(),
  supplyCode: Type.String(),
  supplyName: Type.String(),
  category: Type.String(),
  unit: Type.String(),
  batch: Type.String(),
  expiryDate: Type.Union([Type.String(), Type.Null()]),
  expiry: Type.Enum(["expired", "expiring", "ok", "none"]),
  reserveMode: Type.String(),
  quantity: Type.Integer(),
  updatedAt: Type.String(),
  allowedActions: Type.Array(Type.String()),
});

export const StockListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    warehouseId: Type.Optional(Type.String({ maxLength: 64 })),
    supplyId: Type.Optional(Type.String({ maxLength: 64 })),
    category: Type.Optional(Type.String({ maxLength: 32 })),
    reserveMode: Type.Optional(Type.Enum(keys(RESERVE_MODE_LABELS))),
    expiringBefore: Type.Optional(Type.String({ pattern: DATE_PATTERN })),
    inStock: Type.Optional(Type.Boolean()),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const CreateStockBody = Type.Object(
  {
    warehouseId: Type.String({ minLength: 1, maxLength: 64 }),
    supplyId: Type.String({ minLength: 1, maxLength: 64 }),
    batch: Type.Optional(Type.String({ maxLength: 64 })),
    expiryDate: Type.Optional(nullable(Type.String({ pattern: DATE_PATTERN }))),
    reserveMode: Type.Optional(Type.Enum(keys(RESERVE_MODE_LABELS))),
    quantity: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const UpdateStockBody = Type.Object(
  {
    expiryDate: Type.Optional(nullable(Type.String({ pattern: DATE_PATTERN }))),
    reserveMode: Type.Optional(Type.Enum(keys(RESERVE_MODE_LABELS))),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const MovementView = Type.Object({
  id: Type.String(),
  stockId: Type.String(),
  warehouseName: Type.String(),
  supplyName: Type.String(),
  unit: Type.String(),
  kind: Type.Enum(keys(MOVEMENT_KIND_LABELS)),
  delta: Type.Integer(),
  balanceAfter: Type.Integer(),
  transferId: Type.Union([Type.String(), Type.Null()]),
  dispatchId: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()]),
  at: Type.String(),
});

export const MovementListQuery = Type.Object(
  {
    stockId: Type.Optional(Type.String({ maxLength: 64 })),
    warehouseId: Type.Optional(Type.String({ maxLength: 64 })),
    kind: Type.Optional(Type.Enum(keys(MOVEMENT_KIND_LABELS))),
    dispatchId: Type.Optional(Type.String({ maxLength: 64 })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const MovementBody = Type.Object(
  {
    stockId: Type.String({ minLength: 1, maxLength: 64 }),
    kind: Type.Enum([...MANUAL_MOVEMENT_KINDS], {
      description: "in 入库 / out 出库 / transfer 调拨 / adjust 盘点调整（可正可负）/ expired 过期报废",
    }),
    quantity: Type.Integer({
      minimum: -100_000_000,
      maximum: 100_000_000,
      description: "数量；只有 adjust 可为负",
    }),
    toWarehouseId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

// ---------------------------------------------------------------------------------------------
// dispatch
// ---------------------------------------------------------------------------------------------

const PartyView = Type.Object({ label: Type.String() });

export const DispatchStepView = Type.Object({
  action: Type.String(),
  name: Type.String(),
  by: Type.Array(PartyView),
  doneBy: Type.Union([Type.String(), Type.Null()]),
  doneByName: Type.Union([Type.String(), Type.Null()]),
  doneAt: Type.Union([Type.String(), Type.Null()]),
  comment: Type.Union([Type.String(), Type.Null()]),
});

export const DispatchView = Type.Object({
  id: Type.String(),
  incidentId: Type.String(),
  resourceType: Type.Enum(keys(DISPATCH_RESOURCE_LABELS)),
  resourceId: Type.String(),
  resourceName: Type.String(),
  quantity: Type.Integer(),
  unit: Type.Union([Type.String(), Type.Null()]),
  requestingUnitId: Type.String(),
  requestingUnitName: Type.String(),
  owningUnitId: Type.String(),
  owningUnitName: Type.String(),
  ruleCase: Type.String(),
  ruleName: Type.String(),
  steps: Type.Array(DispatchStepView),
  /** The step waiting for a sign-off, and who may give it. */
  pending: Type.Union([Type.Object({ name: Type.String(), by: Type.Array(Type.String()) }), Type.Null()]),
  state: Type.Enum(keys(DISPATCH_STATE_LABELS)),
  destination: Type.Union([Type.String(), Type.Null()]),
  lat: Type.Union([Type.Number(), Type.Null()]),
  lng: Type.Union([Type.Number(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  returnedQuantity: Type.Union([Type.Integer(), Type.Null()]),
  requestedByName: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  dispatchedAt: Type.Union([Type.String(), Type.Null()]),
  arrivedAt: Type.Union([Type.String(), Type.Null()]),
  closedAt: Type.Union([Type.String(), Type.Null()]),
  allowedActions: Type.Array(Type.String()),
});

export const CreateDispatchBody = Type.Object(
  {
    incidentId: Type.String({ minLength: 1, maxLength: 64, description: "突发事件编号" }),
    resourceType: Type.Enum(keys(DISPATCH_RESOURCE_LABELS)),
    resourceId: Type.String({ minLength: 1, maxLength: 64, description: "队伍、库存行或装备的编号" }),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000 })),
    requestingUnitId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: "需求单位；默认为本人所在单位" }),
    ),
    destination: Type.Optional(Type.String({ maxLength: 500 })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const StepBody = Type.Object(
  { comment: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);

export const RejectBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);

export const ReturnBody = Type.Object(
  {
    outcome: Type.Enum(["returned", "consumed"], { description: "returned 归还 / consumed 已消耗" }),
    quantity: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 100_000_000, description: "归还数量（物资、装备）；默认全部" }),
    ),
    teamStatus: Type.Optional(Type.Enum(["available", "resting"])),
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const DispatchListQuery = Type.Object(
  {
    incidentId: Type.Optional(Type.String({ maxLength: 64 })),
    state: Type.Optional(Type.Enum(keys(DISPATCH_STATE_LABELS))),
    resourceType: Type.Optional(Type.Enum(keys(DISPATCH_RESOURCE_LABELS))),
    resourceId: Type.Optional(Type.String({ maxLength: 64 })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const RulePreviewQuery = Type.Object(
  {
    requestingUnitId: Type.String({ minLength: 1, maxLength: 64 }),
    owningUnitId: Type.String({ minLength: 1, maxLength: 64 }),
    teamId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: "调派的队伍：按 000 §6.2 队伍调度规则（按队伍类别）预览，而非物资调用规则",
      }),
    ),
  },
  { additionalProperties: false },
);

// ---------------------------------------------------------------------------------------------
// shelters
// ---------------------------------------------------------------------------------------------

export const OpenShelterBody = Type.Object(
  {
    incidentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const OccupancyBody = Type.Object(
  { occupancy: Type.Integer({ minimum: 0, maximum: 10_000_000, description: "当前安置人数" }) },
  { additionalProperties: false },
);

export const PublicShelterView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  class: Type.String(),
  address: Type.Union([Type.String(), Type.Null()]),
  lat: Type.Number(),
  lng: Type.Number(),
  capacity: Type.Integer(),
  occupancy: Type.Integer(),
  facilities: Type.Array(Type.String()),
  phone: Type.Union([Type.String(), Type.Null()]),
  openedAt: Type.Union([Type.String(), Type.Null()]),
  distanceM: Type.Union([Type.Number(), Type.Null()]),
});

// ---------------------------------------------------------------------------------------------
// map and nearest
// ---------------------------------------------------------------------------------------------

export const GeoPointView = Type.Object({
  kind: Type.Enum(GEO_KINDS),
  id: Type.String(),
  name: Type.String(),
  lat: Type.Number(),
  lng: Type.Number(),
  category: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.String(), Type.Null()]),
  tags: Type.Array(Type.String()),
  ownerUnitId: Type.Union([Type.String(), Type.Null()]),
  ownerUnitName: Type.Union([Type.String(), Type.Null()]),
});

export const NearestQuery = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    kind: Type.Optional(Type.Enum(GEO_KINDS)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })),
    category: Type.Optional(Type.String({ maxLength: 64, description: "队伍类型、场所类型、装备类型…" })),
    status: Type.Optional(
      Type.String({ maxLength: 16, description: "如 available（待命）、open（已启用）" }),
    ),
    tag: Type.Optional(Type.String({ maxLength: 64, description: "专业特长（包含）" })),
  },
  { additionalProperties: false },
);

export const MapQuery = Type.Object(
  {
    kinds: Type.Optional(
      Type.String({
        maxLength: 200,
        description: "逗号分隔：team,warehouse,shelter,equipment,expert,agreement",
      }),
    ),
    minLat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    maxLat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    minLng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    maxLng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20_000, default: 5000 })),
  },
  { additionalProperties: false },
);

export const MovementKinds = MOVEMENT_KIND_LABELS;
