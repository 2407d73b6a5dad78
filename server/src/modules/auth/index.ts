/** The auth module's door: sessions, bearer tokens, passwords and the authentication hooks. */
export { registerAuthHooks } from "./hooks.js";
export { hashPassword } from "./password.js";
export {
  deleteSessionsOfUser,
  findApiToken,
  insertApiToken,
  listApiTokens,
  revokeApiToken,
} from "./repository.js";
export { registerAuthRoutes } from "./routes.js";
export { formatBearer } from "./service.js";
export { newSecret, sha256 } from "./tokens.js";
