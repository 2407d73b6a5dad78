/**
 * All SQL of the resources module, one file per aggregate under repository/: registries, the
 * spatial index, stock and ledger, dispatches, import jobs. JSON columns are decoded there.
 */
export * from "./repository/dispatch.js";
export * from "./repository/geo.js";
export * from "./repository/imports.js";
export * from "./repository/records.js";
export * from "./repository/stock.js";
