/** The health module's door. */
export { registerHealthRoutes } from "./routes.js";
