/**
 * The plans module's door: the active plan profile, its pure rules, and the one party resolver
 * (parties.ts) every module asks "does this user fill this party of the plan?".
 */
export { type LoadedPlan, loadActivePlan } from "./active.js";
export { runPlanLint } from "./lint.js";
export * from "./parties.js";
export * from "./reporting.js";
export { registerPlanRoutes } from "./routes.js";
export * from "./rules.js";
