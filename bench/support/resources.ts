// Shared set-up of the resources benchmarks (issue 6): the real server in this process over a fresh
// SQLite directory, or a fresh PostgreSQL schema when DATABASE_URL is set, plus bulk loaders that
// write rows straight through the module's repository (no audit) so 100,000 rows load in seconds.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { loadConfig } from "../../server/src/config.js";
import {
  type GeoPoint,
  insertGeo,
  insertRecords,
  REGISTRIES,
} from "../../server/src/modules/resources/index.js";
import { openRuntime, startServer } from "../../server/src/server.js";
import { createTestDatabase } from "../../tests/support/db.js";
import { signIn } from "./signIn.js";

export const PASSWORD = "bench-password-1";

export async function benchServer() {
  const db = await createTestDatabase();
  const config = loadConfig({
    ...process.env,
    PORT: "0",
    HOST: "127.0.0.1",
    FENGHUO_DATA_DIR: db.dataDir,
    FENGHUO_DEMO_PASSWORD: PASSWORD,
    ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
  });
  const runtime = await openRuntime(config, db.pgSchema ? { pgSchema: db.pgSchema } : {});
  const { app, url } = await startServer(runtime, { demo: true, sweepIntervalMs: 0 });
  const login = (username: string) => signIn(url, username, PASSWORD);
  return {
    url,
    ctx: runtime.ctx,
    dialect: db.dialect,
    login,
    close: async () => {
      await app.close();
      await runtime.close();
      await db.drop();
    },
  };
}

/** A deterministic pseudo-random sequence, so every run measures the same data. */
export function rng(seed = 42) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Chaoyang's bounding box (roughly), where the generated points fall. */
export const BOX = { minLat: 39.83, maxLat: 40.08, minLng: 116.36, maxLng: 116.64 };

const KINDS = [
  "team",
  "team",
  "team",
  "team",
  "equipment",
  "equipment",
  "equipment",
  "shelter",
  "warehouse",
  "expert",
];
const TEAM_KINDS = ["comprehensive", "professional", "professional", "armed", "volunteer", "unit"];
const STATUSES = ["available", "available", "available", "deployed", "resting", "unavailable"];
const UNITS = [
  "dept-fire",
  "dept-chengguan",
  "dept-water",
  "dept-health",
  "110105001",
  "110105026",
  "dept-emergency",
];
const SPECIALTIES = ["燃气", "消防", "防汛抗旱", "医疗救护", "综合救援", "电力", "通信保障"];

/** n teams as registry rows plus their map points (the list benchmark's data). */
export async function loadTeams(ctx: Awaited<ReturnType<typeof benchServer>>["ctx"], n: number) {
  const next = rng(7);
  const now = new Date().toISOString();
  const rows: Record<string, unknown>[] = [];
  const points: GeoPoint[] = [];
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    const lat = BOX.minLat + next() * (BOX.maxLat - BOX.minLat);
    const lng = BOX.minLng + next() * (BOX.maxLng - BOX.minLng);
    const kind = TEAM_KINDS[Math.floor(next() * TEAM_KINDS.length)] ?? "unit";
    const status = STATUSES[Math.floor(next() * STATUSES.length)] ?? "available";
    const specialties = [SPECIALTIES[Math.floor(next() * SPECIALTIES.length)] ?? "综合救援"];
    const owner = UNITS[Math.floor(next() * UNITS.length)] ?? "dept-fire";
    rows.push({
      id,
      code: `B-${String(i).padStart(6, "0")}`,
      name: `${specialties[0]}应急队 ${i}`,
      notes: null,
      created_at: now,
      updated_at: now,
      kind,
      specialties: JSON.stringify(specialties),
      headcount: 10 + (i % 50),
      leader: null,
      phone: "13910012345",
      equipment: null,
      address: null,
      lat,
      lng,
      owner_unit_id: owner,
      status,
    });
    points.push({
      kind: "team",
      ref_id: id,
      lat,
      lng,
      name: `队伍 ${i}`,
      category: kind,
      status,
      tags: `|${specialties.join("|")}|`,
      owner_unit_id: owner,
    });
  }
  await ctx.db.transaction().execute(async (trx) => {
    await insertRecords(trx, REGISTRIES.teams, rows);
    await insertGeo(trx, ctx.dialect, points);
  });
  await analyze(ctx);
}

/** Fresh planner statistics after a bulk load (both dialects have ANALYZE). */
async function analyze(ctx: Awaited<ReturnType<typeof benchServer>>["ctx"]) {
  await sql`analyze`.execute(ctx.db);
}

/** n map points of mixed kinds (the nearest-K benchmark's data). */
export async function loadPoints(ctx: Awaited<ReturnType<typeof benchServer>>["ctx"], n: number) {
  const next = rng(11);
  const points: GeoPoint[] = [];
  for (let i = 0; i < n; i++) {
    const kind = KINDS[Math.floor(next() * KINDS.length)] ?? "team";
    points.push({
      kind,
      ref_id: randomUUID(),
      lat: BOX.minLat + next() * (BOX.maxLat - BOX.minLat),
      lng: BOX.minLng + next() * (BOX.maxLng - BOX.minLng),
      name: `资源 ${i}`,
      category: kind === "team" ? (TEAM_KINDS[Math.floor(next() * TEAM_KINDS.length)] ?? null) : null,
      status: STATUSES[Math.floor(next() * STATUSES.length)] ?? null,
      tags: `|${SPECIALTIES[Math.floor(next() * SPECIALTIES.length)]}|`,
      owner_unit_id: UNITS[Math.floor(next() * UNITS.length)] ?? null,
    });
  }
  await ctx.db.transaction().execute((trx) => insertGeo(trx, ctx.dialect, points));
  await analyze(ctx);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return 0;
  }
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? 0;
}

export async function timeMany(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}
