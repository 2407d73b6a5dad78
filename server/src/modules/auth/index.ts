/** The auth module's door: sessions, bearer tokens and the authentication hooks. */
export { registerAuthHooks } from "./hooks.js";
export { deleteSessionsOfUser } from "./repository.js";
export { registerAuthRoutes } from "./routes.js";
export { newSecret } from "./tokens.js";
