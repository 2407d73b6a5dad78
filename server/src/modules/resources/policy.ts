/**
 * Who may do what with resources (typed policies, authz/policy.ts). Static authority is a table of
 * named checks; authority the plan profile names (000 §6.7 dispatch steps, 000 §6.9 shelter
 * activation) is a PartyRequirement resolved by the plans module's one resolver, so a 403 names the
 * profile's parties and the allowed actions a response carries come from the same rules.
 */
import type { AnyDispatchRule, Party } from "../../../../shared/plan/schema.js";
import { DISPATCH_STATE_LABELS } from "../../../../shared/resources.js";
import { type Check, check, definePolicy, hasRole, type PartyRequirement } from "../../authz/policy.js";
import {
  actsForUnit,
  EMERGENCY_OFFICE,
  isEmergencyOffice,
  type PartyCase,
  type PlanData,
  UNIT_ACTING_ROLES,
} from "../plans/index.js";
import { canDo, type DispatchAction, type DispatchStep, dispatchVerb, pendingApproval } from "./rules.js";

// ---------------------------------------------------------------------------------------------
// registry records, stock lines, shelters
// ---------------------------------------------------------------------------------------------

export interface OwnedResource {
  plan: PlanData;
  /** The unit that owns the record (null for the supply catalogue, which is district-wide). */
  ownerUnitId: string | null;
}

/** 000 §6.2, §6.7: 区应急办 organises and coordinates all teams, reserves and their standards. */
const office = check<{ plan: PlanData }>(EMERGENCY_OFFICE.label ?? "区应急办", (u, r) =>
  isEmergencyOffice(r.plan, u),
);

/** 000 §6.7: each HQ office, department and unit keeps its own reserves and teams. */
const ownUnit = check<OwnedResource>(
  "资源所属单位的负责人或工作人员",
  (u, r) => r.ownerUnitId !== null && actsForUnit(r.plan, u, r.ownerUnitId),
);

/**
 * Imports write rows for the importer's units (each row is checked as a create, importParse.ts):
 * anyone acting for a unit may start one; on a record, only for that record's unit.
 */
const unitImporter = check<OwnedResource>("各单位工作人员（导入本单位的记录）", (u, r) =>
  r.ownerUnitId === null
    ? u.roles.some((role) => UNIT_ACTING_ROLES.includes(role))
    : actsForUnit(r.plan, u, r.ownerUnitId),
);

const anyone = check<unknown>("已登录用户", () => true);

export type RecordAction = "list" | "read" | "create" | "update" | "delete" | "import" | "export";

export const recordPolicy = definePolicy<RecordAction, OwnedResource>("resource", {
  list: { by: [anyone] },
  read: { by: [anyone] },
  create: { by: [office, ownUnit] },
  update: { by: [office, ownUnit] },
  delete: { by: [office, ownUnit] },
  import: { by: [office, unitImporter] },
  export: { by: [anyone] },
});

export type StockAction = "read" | "create" | "update" | "delete" | "move";

/** Stock lines belong to their warehouse's unit. */
export const stockPolicy = definePolicy<StockAction, OwnedResource>("stock", {
  read: { by: [anyone] },
  create: { by: [office, ownUnit] },
  update: { by: [office, ownUnit] },
  delete: { by: [office, ownUnit] },
  move: { by: [office, ownUnit] },
});

/** A transfer between two units' warehouses (checked on top of `move` of the source line). */
export const crossUnitTransferPolicy = definePolicy<"transfer", { plan: PlanData }>("stock", {
  transfer: { by: [office] },
});

export interface ShelterResource extends OwnedResource {
  name: string;
  status: string;
  occupancy: number;
  capacity: number;
}

/** 000 §6.9: the profile names who activates; the shelter's unit (or street) is the case. */
export function shelterPartyCase(ownerUnitId: string): PartyCase {
  return { ownUnitId: ownerUnitId, streetCodes: [ownerUnitId] };
}

const activation = (r: ShelterResource): PartyRequirement => ({
  plan: r.plan,
  parties: r.plan.profile.resources.shelterActivation?.by ?? [],
  case: shelterPartyCase(r.ownerUnitId ?? ""),
  source: r.plan.profile.resources.shelterActivation?.source,
  what: "启用或关闭应急避难场所",
  missing: "预案没有规定由谁启用应急避难场所",
});

export type ShelterAction = "open" | "close" | "occupancy";

/** Occupancy is reported by whoever runs the shelter: its unit, the office and duty room, the scene. */
export const shelterPolicy = definePolicy<ShelterAction, ShelterResource>("shelter", {
  open: {
    by: activation,
    state: (r) => (r.status === "open" ? `「${r.name}」已在启用中` : undefined),
  },
  close: {
    by: activation,
    state: (r) =>
      r.status !== "open"
        ? `「${r.name}」未启用`
        : r.occupancy > 0
          ? `「${r.name}」仍安置 ${r.occupancy} 人，请先登记转移后再关闭`
          : undefined,
  },
  occupancy: {
    by: [office, ownUnit, hasRole("commander", "street_staff")],
    state: (r) => (r.status !== "open" ? `「${r.name}」未启用，不能登记安置人数` : undefined),
  },
});

export interface ImportJobResource {
  plan: PlanData;
  createdBy: string | null;
}

export const importJobPolicy = definePolicy<"read", ImportJobResource>("import", {
  read: {
    by: [check("导入任务发起人", (u, r) => r.createdBy === u.id), office as Check<ImportJobResource>],
  },
});

// ---------------------------------------------------------------------------------------------
// dispatch (000 §6.7 through plans/rules.ts dispatchApproval)
// ---------------------------------------------------------------------------------------------

/** What the dispatch parties resolve against; the steps are the row's `steps` column, decoded. */
export interface DispatchFacts {
  incidentSubtype: string | null;
  requestingUnitId: string;
  owningUnitId: string;
}

/**
 * The case a dispatch step's parties resolve in: the incident's subtype (so 分管该类事件的 leaders
 * are only those whose portfolio holds its category), the unit performing the step — the
 * requesting unit for the request and its sign-offs, the owning unit for the physical dispatch —
 * and the unit owning the resource (scope resource_owner).
 */
export function dispatchPartyCase(d: DispatchFacts, step: "sign-off" | "dispatch"): PartyCase {
  return {
    subtypeId: d.incidentSubtype,
    ownUnitId: step === "dispatch" ? d.owningUnitId : d.requestingUnitId,
    // 000 §6.2 “通过该队伍行业主管部门…协调调度”: the team's (or stock's) own unit, at every step.
    resourceOwnerUnitId: d.owningUnitId,
  };
}

export interface DispatchResource extends DispatchFacts {
  plan: PlanData;
  /** team / stock / equipment: a team is 调派 (000 §6.2), the others 调用 (§6.7). */
  resourceType: string;
  state: string;
  steps: readonly DispatchStep[];
}

const requester = (d: DispatchFacts): Party => ({ unit: d.requestingUnitId, label: "需求单位" });
const owner = (d: DispatchFacts, label = "资源所属单位"): Party => ({ unit: d.owningUnitId, label });
const commander: Party = { role: "commander", label: "现场指挥长" };

function stateRule(action: DispatchAction, label: string) {
  return (d: DispatchResource) =>
    canDo(action, d.state)
      ? undefined
      : `${dispatchVerb(d.resourceType)}记录当前状态为「${DISPATCH_STATE_LABELS[d.state as keyof typeof DISPATCH_STATE_LABELS] ?? d.state}」，不能${label}`;
}

/** The sign-off due next; with none due, every sign-off's parties (so a signer hears 409, not 403). */
function signOff(d: DispatchResource): PartyRequirement {
  const pending = d.state === "requested" ? pendingApproval(d.steps) : undefined;
  const parties = pending
    ? pending.step.by
    : d.steps.filter((s) => s.action !== "request").flatMap((s) => s.by);
  return {
    plan: d.plan,
    parties,
    case: dispatchPartyCase(d, "sign-off"),
    source: d.plan.profile.meta.name,
    what: pending ? `「${pending.step.name}」` : "审批",
    missing: "预案没有规定由谁审批",
  };
}

function dispatcher(d: DispatchResource): PartyRequirement {
  const step = d.steps.find((s) => s.action === "dispatch");
  if (step) {
    return {
      plan: d.plan,
      parties: step.by,
      case: dispatchPartyCase(d, "dispatch"),
      what: `${dispatchVerb(d.resourceType)}出发`,
    };
  }
  return {
    plan: d.plan,
    parties: [owner(d, "资源所属单位的负责人或工作人员"), EMERGENCY_OFFICE],
    case: dispatchPartyCase(d, "dispatch"),
    what: `${dispatchVerb(d.resourceType)}出发`,
  };
}

/** Check-in and return: the scene (commander), the office, the requesting and the owning unit. */
const field = (d: DispatchResource, what: string): PartyRequirement => ({
  plan: d.plan,
  parties: [commander, EMERGENCY_OFFICE, requester(d), owner(d)],
  case: dispatchPartyCase(d, "dispatch"),
  what,
});

export const dispatchPolicy = definePolicy<DispatchAction, DispatchResource>("dispatch", {
  approve: {
    by: signOff,
    state: (d) =>
      stateRule("approve", "审批")(d) ?? (pendingApproval(d.steps) ? undefined : "没有待审批的步骤"),
  },
  reject: {
    // The requester may withdraw; the office may stop any request that has not left yet.
    by: (d) => {
      const pending = d.state === "requested" ? pendingApproval(d.steps) : undefined;
      return {
        plan: d.plan,
        parties: [...(pending?.step.by ?? []), EMERGENCY_OFFICE, requester(d)],
        case: dispatchPartyCase(d, "sign-off"),
        what: "驳回",
      };
    },
    state: stateRule("reject", "驳回"),
  },
  dispatch: { by: dispatcher, state: stateRule("dispatch", "出发") },
  arrive: { by: (d) => field(d, "登记到达"), state: stateRule("arrive", "登记到达") },
  return: { by: (d) => field(d, "办理归还"), state: stateRule("return", "办理归还") },
});

/** A dispatch not yet made: who asks for it, and the rule the profile gives for the pair of units. */
export interface DispatchRequestResource {
  plan: PlanData;
  /** team / stock / equipment, when known (the wording of the 403). */
  resourceType?: string | undefined;
  requestingUnitId: string;
  incidentSubtype: string | null;
  /** The rule for the pair of units, once the resource (and so its owner) is known. */
  rule?: AnyDispatchRule | undefined;
}

/**
 * Asking is two questions: may the user speak for the requesting unit (its members, the office, the
 * scene), and do they fill the rule's request step when it has one (Luolong 002 §4.3 (1): the
 * command post or the lead department).
 */
export const dispatchRequestPolicy = definePolicy<"requestFor" | "request", DispatchRequestResource>(
  "dispatch",
  {
    requestFor: {
      by: (r) => ({
        plan: r.plan,
        parties: [
          { unit: r.requestingUnitId, label: "需求单位的负责人或工作人员" },
          EMERGENCY_OFFICE,
          commander,
        ],
        case: {},
        what: r.resourceType === "team" ? "提出调派队伍需求" : "提出调用需求",
      }),
    },
    request: {
      by: (r) => {
        const step = r.rule?.steps.find((s) => s.action === "request");
        return step
          ? {
              plan: r.plan,
              parties: step.by,
              case: { subtypeId: r.incidentSubtype, ownUnitId: r.requestingUnitId },
              what: `「${step.name}」`,
              source: r.plan.profile.meta.name,
            }
          : { plan: r.plan, parties: [], case: {}, alsoChecks: [anyone] };
      },
    },
  },
);
