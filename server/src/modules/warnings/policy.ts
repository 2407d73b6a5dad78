/**
 * Authority over warnings as typed policies (STYLE: authority as a table): every step's rule is the
 * profile's authority for it (`stepAuthority` ← `warningAuthority`), a `PartyRequirement` resolved by
 * the plans module's one resolver on the warning's `PartyCase`, and its state rule (`stateProblem`).
 * The resource carries the plan, so two servers with different plans in one process never mix rules.
 */
import type { WarningColour } from "../../../../shared/plan/schema.js";
import { type ActionRule, definePolicy, type PartyRequirement } from "../../authz/policy.js";
import { EMERGENCY_OFFICE, type PlanData } from "../plans/index.js";
import {
  stateProblem,
  stepAuthority,
  streetOf,
  type WarningAction,
  type WarningFacts,
  type WarningStep,
  warningPartyCase,
} from "./rules.js";

export interface WarningResource {
  plan: PlanData;
  facts: WarningFacts;
  /** For `adjust`: the colour the warning is adjusted to (its authority decides, 000 §3.3.1 第5项). */
  adjustTo?: WarningColour | undefined;
}

/** The profile's authority for the step, as the resolver reads it. */
export function stepRequirement(r: WarningResource, step: WarningStep): PartyRequirement {
  const a = stepAuthority(r.plan, step, r.facts, r.adjustTo);
  return {
    plan: r.plan,
    parties: a.parties,
    case: warningPartyCase(r.facts),
    source: a.source,
    missing: a.missing,
    notBy: a.notBy,
  };
}

const byProfile = (step: WarningStep): ActionRule<WarningResource> => ({
  by: (r) => stepRequirement(r, step),
  state: (r) => stateProblem(r.plan.profile, step, r.facts),
});

/** Drafting a new warning (or importing a relay draft) for an issuing unit. */
export const newWarningPolicy = definePolicy<"create", WarningResource>("预警", {
  create: byProfile("create"),
});

/** The steps on a stored warning; `allowedActions` of this policy is what a response carries. */
export const warningPolicy = definePolicy<WarningAction, WarningResource>("预警", {
  edit: byProfile("edit"),
  propose: byProfile("propose"),
  submit: byProfile("submit"),
  approve: byProfile("approve"),
  reject: byProfile("reject"),
  publish: byProfile("publish"),
  release: byProfile("release"),
  authorise: byProfile("authorise"),
  adjust: byProfile("adjust"),
  lift: byProfile("lift"),
});

export interface WarningTaskResource {
  plan: PlanData;
  task: { unit_id: string | null; unit_name: string };
  issuingUnitId: string;
}

/** A task's unit (its street for a community task), the issuing unit, or the emergency office. */
export const warningTaskPolicy = definePolicy<"update", WarningTaskResource>("预警任务", {
  update: {
    by: (r) => ({
      plan: r.plan,
      parties: [
        ...(r.task.unit_id === null
          ? []
          : [
              { unit: r.task.unit_id, label: `${r.task.unit_name}工作人员` },
              { unit: streetOf(r.task.unit_id), label: `${r.task.unit_name}工作人员` },
            ]),
        { unit: r.issuingUnitId, label: "发布单位工作人员" },
        { ...EMERGENCY_OFFICE, label: "区应急办工作人员" },
      ],
      case: {},
      what: "更新此任务",
    }),
  },
});
