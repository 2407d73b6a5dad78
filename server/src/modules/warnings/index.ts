/** The warnings module's door: the warning lifecycle by the plan's authority, CAP, dissemination. */
export { seedWarningsDemo } from "./demo.js";
export { JOB_BATCH, targetSubscriberKeys, targetSubscribers } from "./dissemination.js";
export { getWarning, gridCell, publishedWarningsOfSubtype } from "./repository.js";
export { registerWarningRoutes } from "./routes.js";
export { type WarningFacts, warningPartyCase } from "./rules.js";
export { createWarning, proposeWarning } from "./service.js";
