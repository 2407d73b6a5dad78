#!/usr/bin/env node
// Runs every bench/*.bench.ts in turn (each prints one JSON line per figure).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const only = process.argv[2];
const files = fs
  .readdirSync(path.join(root, "bench"))
  .filter((f) => f.endsWith(".bench.ts") && (!only || f.includes(only)))
  .sort();
let failed = 0;
for (const f of files) {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "bench", f)], {
    stdio: "inherit",
    cwd: root,
    // One JSON line per figure on stdout: the servers a benchmark starts log nothing (unless asked).
    env: { FENGHUO_LOG_LEVEL: "silent", ...process.env },
  });
  if (r.status !== 0) {
    failed++;
    console.error(`benchmark ${f} failed (exit ${r.status})`);
  }
}
process.exit(failed > 0 ? 1 : 0);
