import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const OUT = path.join(ROOT, "dist", "web", "index.html");
const LOCK = path.join(ROOT, "dist", ".web-build.lock");
/** What the bundle is made from: if any of it is newer than the build, rebuild. */
const SOURCES = [path.join(ROOT, "web"), path.join(ROOT, "shared"), path.join(ROOT, "vite.config.ts")];

function newestMtime(p: string): number {
  const stat = fs.statSync(p, { throwIfNoEntry: false });
  if (!stat) {
    return 0;
  }
  if (!stat.isDirectory()) {
    return stat.mtimeMs;
  }
  return fs
    .readdirSync(p)
    .reduce((max, name) => Math.max(max, newestMtime(path.join(p, name))), stat.mtimeMs);
}

function isFresh(): boolean {
  const built = fs.statSync(OUT, { throwIfNoEntry: false });
  return built !== undefined && built.mtimeMs >= Math.max(...SOURCES.map(newestMtime));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds the web app into dist/web unless the build is newer than its sources, so browser tests always
 * exercise the current UI served by the real server. A lock directory keeps parallel test files from
 * building at the same time.
 */
export async function ensureWebBuild(): Promise<void> {
  if (isFresh()) {
    return;
  }
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  for (let waited = 0; ; waited += 200) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch {
      if (waited > 120_000) {
        throw new Error(`web build lock ${LOCK} held for 2 minutes; remove it if no build is running`);
      }
      await sleep(200);
    }
  }
  try {
    if (!isFresh()) {
      const { build } = await import("vite");
      await build({ configFile: path.join(ROOT, "vite.config.ts"), logLevel: "warn" });
    }
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}
