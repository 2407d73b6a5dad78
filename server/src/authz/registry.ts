/** The string-keyed policy registry, being replaced by typed policies (policy.ts); do not use in new code. */
import { ROLE_LABELS, type Role } from "../../../shared/roles.js";
import { forbidden } from "../errors.js";
import type { SessionUser } from "./principal.js";

/** A named condition: `label` is what a 403 tells the user they need. */
export interface Predicate<R> {
  (user: SessionUser, resource: R): boolean;
  label: string;
}

export function predicate<R>(label: string, test: (user: SessionUser, resource: R) => boolean): Predicate<R> {
  return Object.assign(test, { label });
}

export const hasRole = <R = unknown>(...roles: Role[]): Predicate<R> =>
  predicate(roles.map((r) => ROLE_LABELS[r]).join("或"), (user) => roles.some((r) => user.roles.includes(r)));

export const anyone = predicate<unknown>("已登录用户", () => true);

/** A module's policy table: for each action, the predicates of which any one grants it. */
export type PolicyTable<R> = Record<string, Predicate<R>[]>;

const registry = new Map<string, PolicyTable<never>>();

/** Declares a module's policies once, by subject name (STYLE: authority as a table). */
export function definePolicy<R>(subject: string, table: PolicyTable<R>): PolicyTable<R> {
  registry.set(subject, table as PolicyTable<never>);
  return table;
}

function rulesFor<R>(subject: string, action: string): Predicate<R>[] {
  const table = registry.get(subject) as PolicyTable<R> | undefined;
  if (!table) {
    throw new Error(`no policy registered for ${subject}`);
  }
  const rules = table[action];
  if (!rules) {
    throw new Error(`no policy for ${subject}.${action}`);
  }
  return rules;
}

export function can<R>(user: SessionUser, action: string, subject: string, resource: R): boolean {
  return rulesFor<R>(subject, action).some((p) => p(user, resource));
}

/** Throws 403 naming what the action needs unless one of its rules allows it. */
export function authorize<R>(user: SessionUser, action: string, subject: string, resource: R): void {
  const rules = rulesFor<R>(subject, action);
  if (!rules.some((p) => p(user, resource))) {
    const needed = rules.map((p) => p.label);
    throw forbidden(`此操作需要：${needed.join("；或 ")}`, needed);
  }
}

/** The actions of a subject the user may take on this resource; responses carry it for the UI. */
export function allowedActions<R>(user: SessionUser, subject: string, resource: R): string[] {
  const table = registry.get(subject) as PolicyTable<R> | undefined;
  if (!table) {
    return [];
  }
  return Object.entries(table)
    .filter(([, rules]) => rules.some((p) => p(user, resource)))
    .map(([action]) => action);
}
