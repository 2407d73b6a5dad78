/** The auth module's door: sessions, bearer tokens and the authentication hooks. */
export { registerAuthHooks } from "./hooks.js";
export { registerAuthRoutes } from "./routes.js";
export { endUserSessions, sessionStillOpen } from "./service.js";
export { newSecret } from "./tokens.js";
