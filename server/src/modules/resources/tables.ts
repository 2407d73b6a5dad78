import type { Generated } from "kysely";

/**
 * Tables of the resources module (issue 6), merged into the Database interface. Lists are JSON text;
 * coordinates are WGS-84 degrees as double precision; quantities are whole numbers of the supply's
 * unit (件、顶、箱 …) so a balance is exact on both dialects.
 */

interface Audited {
  id: string;
  code: string;
  name: string;
  notes: string | null;
  created_at: string;
  updated_at: string;
}

interface Located {
  address: string | null;
  lat: number | null;
  lng: number | null;
}

export interface TeamTable extends Audited, Located {
  kind: string;
  /** JSON array of specialties. */
  specialties: string;
  headcount: number;
  leader: string | null;
  /** 24-hour contact. */
  phone: string;
  equipment: string | null;
  owner_unit_id: string;
  status: string;
}

export interface ExpertTable extends Audited, Located {
  /** JSON array of fields of expertise. */
  fields: string;
  organisation: string | null;
  title: string | null;
  phone: string;
  availability: string;
  owner_unit_id: string;
}

export interface WarehouseTable extends Audited, Located {
  level: string;
  area_m2: number | null;
  manager: string | null;
  phone: string | null;
  owner_unit_id: string;
}

export interface SupplyTable extends Audited {
  category: string;
  unit: string;
  spec: string | null;
  shelf_life_days: number | null;
}

export interface StockTable {
  id: string;
  warehouse_id: string;
  supply_id: string;
  /** Batch label; "" when the line has no batches. */
  batch: string;
  expiry_date: string | null;
  reserve_mode: string;
  /** Never negative: CHECK constraint plus conditional UPDATEs (issue 6 §1). */
  quantity: number;
  created_at: string;
  updated_at: string;
}

export interface StockMovementTable {
  id: string;
  stock_id: string;
  kind: string;
  /** Signed change of the balance. */
  delta: number;
  balance_after: number;
  /** Pairs the two halves of a transfer. */
  transfer_id: string | null;
  dispatch_id: string | null;
  reason: string | null;
  actor_id: string | null;
  actor_name: string | null;
  at: string;
}

export interface AgreementTable extends Audited, Located {
  kind: string;
  supplier: string;
  items: string;
  capacity: string | null;
  response_hours: number | null;
  valid_from: string | null;
  valid_to: string | null;
  contact: string | null;
  phone: string | null;
  owner_unit_id: string;
}

export interface ShelterTable extends Audited, Located {
  type: string;
  class: string;
  area_m2: number | null;
  capacity: number;
  /** JSON array of facility keys of 000 §6.9. */
  facilities: string;
  owner_unit_id: string;
  manager: string | null;
  phone: string | null;
  status: string;
  occupancy: number;
  opened_at: string | null;
  incident_id: string | null;
}

export interface EquipmentTable extends Audited, Located {
  type: string;
  quantity: number;
  /** Units out on dispatches; never more than quantity. */
  deployed: number;
  owner_unit_id: string;
  condition: string;
}

export interface DispatchTable {
  id: string;
  incident_id: string;
  /** The incident's subtype when the incidents module knows it (for lead-department parties). */
  incident_subtype: string | null;
  resource_type: string;
  resource_id: string;
  /** Name at request time, so the record reads well even if the resource is renamed. */
  resource_name: string;
  quantity: number;
  requesting_unit_id: string;
  owning_unit_id: string;
  /** dispatchApproval case: own / other_unit / external_request. */
  rule_case: string;
  rule_name: string;
  /** JSON: the approval steps of the profile and who did each. */
  steps: string;
  state: string;
  destination: string | null;
  lat: number | null;
  lng: number | null;
  note: string | null;
  returned_quantity: number | null;
  requested_by: string | null;
  requested_by_name: string | null;
  created_at: string;
  updated_at: string;
  dispatched_at: string | null;
  arrived_at: string | null;
  closed_at: string | null;
}

/** One row per located resource; the spatial index (R*Tree / GiST) is over these rows. */
export interface GeoTable {
  rid: Generated<number>;
  kind: string;
  ref_id: string;
  lat: number;
  lng: number;
  name: string;
  /** Team kind, shelter type, equipment type, warehouse level … for filters and map symbols. */
  category: string | null;
  status: string | null;
  /** "|a|b|" list of specialties / fields for LIKE '%|x|%' filters. */
  tags: string;
  owner_unit_id: string | null;
}

export interface ImportJobTable {
  id: string;
  registry: string;
  mode: string;
  file_name: string | null;
  state: string;
  phase: string;
  total: number;
  processed: number;
  created: number;
  updated: number;
  /** JSON array of row errors. */
  errors: string;
  detail: string | null;
  created_by: string | null;
  created_at: string;
  finished_at: string | null;
}

declare module "../../db/schema.js" {
  interface Database {
    res_teams: TeamTable;
    res_experts: ExpertTable;
    res_warehouses: WarehouseTable;
    res_supplies: SupplyTable;
    res_stock: StockTable;
    res_stock_movements: StockMovementTable;
    res_agreements: AgreementTable;
    res_shelters: ShelterTable;
    res_equipment: EquipmentTable;
    res_dispatches: DispatchTable;
    res_geo: GeoTable;
    res_import_jobs: ImportJobTable;
  }
}
