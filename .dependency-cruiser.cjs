/**
 * Module boundaries (STYLE: modules meet at a door). A domain module under server/src/modules/<m>/
 * is used by others only through its index.ts; tests of a module may reach into it.
 */
const MODULES = "^server/src/modules/";
module.exports = {
  forbidden: [
    {
      name: "module-internals",
      comment: "Another module's files are private: import its index.ts (its public API).",
      severity: "error",
      from: { path: `${MODULES}([^/]+)/`, pathNot: "\\.test\\.ts$" },
      to: {
        path: `${MODULES}[^/]+/`,
        pathNot: [`${MODULES}$1/`, `${MODULES}[^/]+/index\\.ts$`],
      },
    },
    {
      name: "outside-into-module-internals",
      comment: "Code outside the modules (app, server, cli, demo, bench) imports a module's index.ts only.",
      severity: "error",
      from: { path: "^(server/src/|bench/|tests/support/)", pathNot: [`${MODULES}`, "\\.test\\.ts$"] },
      to: { path: `${MODULES}[^/]+/`, pathNot: `${MODULES}[^/]+/index\\.ts$` },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist)/" },
    tsPreCompilationDeps: true,
    parser: "swc",
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js"] },
  },
};
