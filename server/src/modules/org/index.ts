/** The org module's door: the org file, the tree in the database and its in-memory directory. */
export { UnitDirectory } from "./directory.js";
export { type OrgFile, type OrgUnit, parseYaml, schemaProblems, validateOrgFile } from "./orgFile.js";
export { countUnits, firstUnitOfTypes } from "./repository.js";
export { registerOrgRoutes } from "./routes.js";
export { seedOrgUnits } from "./seed.js";
