/** The geo module's door: warning areas (shapes) and the district outline. */
export {
  type AreaShape,
  type CircleShape,
  compileShapes,
  parseShapes,
  shapeBbox,
  validateShapes,
} from "./area.js";
export { distanceMeters, type LatLng } from "./distance.js";
export { districtOutline } from "./district.js";
export { registerGeoRoutes } from "./routes.js";
