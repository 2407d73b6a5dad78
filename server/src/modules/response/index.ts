/** The response module's door: response levels, decisions, the command post, tasks, end, assessment. */
export { seedResponseDemo } from "./demo.js";
export { responsePolicy } from "./policy.js";
export { insertTasks } from "./repository.js";
export { registerResponseRoutes } from "./routes.js";
export { responsePartyCase } from "./rules.js";
export { sweepOverdueTasks } from "./sweeps.js";
