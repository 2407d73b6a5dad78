/**
 * Typed policies (STYLE: authority as a table). A module declares its actions once as a table of
 * rules keyed by a string-literal union; `authorize` is an assertion a handler cannot get wrong by a
 * typo, and `allowedActions` answers from the same rules — authority and state — so the buttons a
 * client shows are exactly what the server accepts. Authority named by the plan profile is a
 * `PartyRequirement`, resolved by the plans module's one resolver (plans/parties.ts).
 */
import type { Party } from "../../../shared/plan/schema.js";
import { ROLE_LABELS, type Role } from "../../../shared/roles.js";
import { conflict, forbidden, notFound } from "../errors.js";
import { fillsAny, type PartyCase, type PlanData, partyLabels } from "../modules/plans/index.js";
import type { SessionUser } from "./principal.js";

/** A named condition on the user and the resource; `label` is what a 403 says is needed. */
export interface Check<R> {
  readonly label: string;
  test(user: SessionUser, resource: R): boolean;
}

export function check<R>(label: string, test: (user: SessionUser, resource: R) => boolean): Check<R> {
  return { label, test };
}

export const hasRole = <R = unknown>(...roles: Role[]): Check<R> =>
  check(roles.map((r) => ROLE_LABELS[r]).join("或"), (user) => roles.some((r) => user.roles.includes(r)));

export const anyone: Check<unknown> = check("已登录用户", () => true);

/** Authority the plan profile names: any one of the parties, resolved for the case. */
export interface PartyRequirement {
  plan: PlanData;
  parties: readonly Party[];
  case: PartyCase;
  /** Seed section of the rule, named in the 403. */
  source?: string | undefined;
  /** What is being done, for the 403 ("启动Ⅱ级响应需要：…"). */
  what?: string | undefined;
  /** Why nobody may, when the plan names no party. */
  missing?: string | undefined;
  /** The user who may not take this step on their own work (a drafter approving their draft). */
  notBy?: string | null | undefined;
  /** Names units in labels ("主责部门（本事件：区水务局）"). */
  unitName?: ((id: string) => string) | undefined;
  /** Other checks that also grant the action (e.g. the office acting for any unit). */
  alsoChecks?: readonly Check<unknown>[] | undefined;
}

/** One action's rule: who may (403 when nobody the user is), and whether the state allows it (409). */
export interface ActionRule<R> {
  by: readonly Check<R>[] | ((resource: R) => PartyRequirement);
  /** Why the resource's current state does not allow the action, or undefined when it does. */
  state?: (resource: R) => string | undefined;
}

export interface Policy<A extends string, R> {
  readonly subject: string;
  readonly rules: { readonly [K in A]: ActionRule<R> };
}

/** Declares a module's policy: each action of the union `A` with its rule. */
export function definePolicy<A extends string, R>(
  subject: string,
  rules: { readonly [K in A]: ActionRule<R> },
): Policy<A, R> {
  return { subject, rules };
}

export type ActionsOf<P> = P extends Policy<infer A, unknown> ? A : never;

type Verdict =
  | { ok: true }
  | { ok: false; status: 403; detail: string; needed: string[] }
  | { ok: false; status: 409; detail: string };

function authority<R>(rule: ActionRule<R>, user: SessionUser, resource: R): Verdict {
  if (typeof rule.by !== "function") {
    if (rule.by.some((c) => c.test(user, resource))) {
      return { ok: true };
    }
    const needed = rule.by.map((c) => c.label);
    return { ok: false, status: 403, detail: `此操作需要：${needed.join("；或 ")}`, needed };
  }
  const req = rule.by(resource);
  const also = req.alsoChecks ?? [];
  if (req.parties.length === 0 && also.length === 0) {
    return { ok: false, status: 403, detail: req.missing ?? "预案未规定此项权限", needed: [] };
  }
  const isDrafter = req.notBy === user.id;
  if (
    !isDrafter &&
    (fillsAny(req.plan, user, req.parties, req.case) || also.some((c) => c.test(user, undefined)))
  ) {
    return { ok: true };
  }
  // Labels only for a refusal: allowedActions asks every action of every row in a list.
  const needed = [...partyLabels(req.plan, req.parties, req.case, req.unitName), ...also.map((c) => c.label)];
  if (isDrafter) {
    return {
      ok: false,
      status: 403,
      detail: `不能审批本人起草或提出的事项，须由：${needed.join("；或 ")}`,
      needed,
    };
  }
  const source = req.source ? `（依据 ${req.source}）` : "";
  const what = req.what ?? "此操作";
  return { ok: false, status: 403, detail: `${what}需要：${needed.join("；或 ")}${source}`, needed };
}

function verdict<A extends string, R>(
  policy: Policy<A, R>,
  user: SessionUser,
  action: A,
  resource: R,
): Verdict {
  const rule = policy.rules[action];
  const who = authority(rule, user, resource);
  if (!who.ok) {
    return who;
  }
  const problem = rule.state?.(resource);
  return problem === undefined ? { ok: true } : { ok: false, status: 409, detail: problem };
}

/**
 * Refuses unless the user may take the action on the resource now: 404 when there is no resource,
 * 403 naming who may, 409 naming the state. Call it inside the command's transaction, on the row
 * read there, before any write.
 */
export function authorize<A extends string, R>(
  policy: Policy<A, R>,
  user: SessionUser,
  action: A,
  resource: R | undefined | null,
  what = policy.subject,
): asserts resource is R {
  if (resource === undefined || resource === null) {
    throw notFound(what);
  }
  const v = verdict(policy, user, action, resource);
  if (!v.ok) {
    throw v.status === 403 ? forbidden(v.detail, v.needed) : conflict(v.detail);
  }
}

/** Whether the user may take the action on the resource now (authority and state). */
export function can<A extends string, R>(
  policy: Policy<A, R>,
  user: SessionUser,
  action: A,
  resource: R,
): boolean {
  return verdict(policy, user, action, resource).ok;
}

/** The actions the user may take on the resource now; responses carry it so the UI shows server truth. */
export function allowedActions<A extends string, R>(
  policy: Policy<A, R>,
  user: SessionUser,
  resource: R,
  only?: readonly A[],
): A[] {
  const actions = only ?? (Object.keys(policy.rules) as A[]);
  return actions.filter((a) => verdict(policy, user, a, resource).ok);
}
