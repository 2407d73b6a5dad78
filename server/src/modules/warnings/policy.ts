/**
 * Authority over warnings as a table (STYLE: authority as a table): every step is one predicate fed
 * by the active plan profile through rules.ts (`stepAuthority` ← `warningAuthority`). The resource
 * carries the plan, so two servers with different plans in one process never mix rules.
 */
import type { WarningColour } from "../../../../shared/plan/schema.js";
import type { SessionUser } from "../../authz/principal.js";
import { definePolicy, predicate } from "../../authz/registry.js";
import { forbidden } from "../../errors.js";
import type { LoadedPlan } from "../plans/index.js";
import { checkStep, stateProblem, type WarningFacts, type WarningStep } from "./rules.js";

export interface WarningResource {
  plan: LoadedPlan;
  facts: WarningFacts;
  /** For `adjust`: the colour the warning is adjusted to (its authority decides, 000 §3.3.1 第5项). */
  adjustTo?: WarningColour;
}

const byProfile = (step: WarningStep) =>
  predicate<WarningResource>(
    "预案规定的权限",
    (user, r) => checkStep(r.plan.profile, r.plan.org, step, user, r.facts, r.adjustTo).allowed,
  );

export const warningPolicy = definePolicy<WarningResource>("warning", {
  create: [byProfile("create")],
  edit: [byProfile("edit")],
  propose: [byProfile("propose")],
  approve: [byProfile("approve")],
  reject: [byProfile("reject")],
  publish: [byProfile("publish")],
  release: [byProfile("release")],
  authorise: [byProfile("authorise")],
  adjust: [byProfile("adjust")],
  lift: [byProfile("lift")],
});

/** Throws 403 naming the authority the plan requires (e.g. “主管区领导”) unless the user holds it. */
export function authorizeWarning(user: SessionUser, step: WarningStep, resource: WarningResource): void {
  const result = checkStep(
    resource.plan.profile,
    resource.plan.org,
    step,
    user,
    resource.facts,
    resource.adjustTo,
  );
  if (!result.allowed) {
    throw forbidden(result.detail, result.needed);
  }
}

const PRESENTED: WarningStep[] = [
  "edit",
  "propose",
  "approve",
  "reject",
  "publish",
  "release",
  "authorise",
  "adjust",
  "lift",
];

/**
 * The steps this user can take now (authority and state), so the UI shows buttons from server truth.
 * `adjust` is offered when the user may adjust at the current colour.
 */
export function warningActions(user: SessionUser, plan: LoadedPlan, facts: WarningFacts): string[] {
  return PRESENTED.filter(
    (step) =>
      stateProblem(plan.profile, step, facts) === undefined &&
      checkStep(plan.profile, plan.org, step, user, facts).allowed,
  );
}
