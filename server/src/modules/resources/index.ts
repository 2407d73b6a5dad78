/** The resources module's door: registries, stock, dispatch (000 §6.7), shelters and the map. */

export { nearest, nearestLinear } from "./nearest.js";
export { dispatchPartyCase } from "./policy.js";
export { REGISTRIES } from "./registries.js";
export {
  dispatchesOfIncident,
  dispatchIncident,
  type GeoPoint,
  insertGeo,
  insertRecords,
} from "./repository.js";
export { registerResourceRoutes } from "./routes.js";
export { seedResourcesDemo } from "./seed.js";
