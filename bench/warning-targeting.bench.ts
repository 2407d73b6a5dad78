// Issue 5 §Performance: 1,000,000 synthetic subscribers spread over Chaoyang; select those inside a
// polygon covering about a quarter of the district through the spatial index (SQLite R*Tree;
// PostgreSQL grid cells when DATABASE_URL is set), compared with a scan of every row in JavaScript.
// Then enqueue one SMS per selected subscriber in the outbox (SQLite), compared with a bare bulk
// insert of the same rows into an identical table, and the production path (batches of JOB_BATCH,
// each its own transaction, as the dissemination job runs).
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  area,
  booleanPointInPolygon,
  featureCollection,
  intersect,
  polygon as turfPolygon,
} from "@turf/turf";
import SQLite from "better-sqlite3";
import { sql } from "kysely";
import pg from "pg";
import { type DatabaseHandle, openDatabase } from "../server/src/db/index.js";
import { migrateToLatest } from "../server/src/db/migrate.js";
import { compileShapes, districtOutline } from "../server/src/modules/geo/index.js";
import { enqueue, type OutboundMessage } from "../server/src/modules/notify/index.js";
import {
  gridCell,
  JOB_BATCH,
  targetSubscriberKeys,
  targetSubscribers,
} from "../server/src/modules/warnings/index.js";
import { report, versus } from "./support/report.js";

const N = Number(process.env.BENCH_SUBSCRIBERS ?? 1_000_000);
const RUNS = 5;
const outline = districtOutline("110105");
const [minX, minY, maxX, maxY] = outline.bbox;

// A quarter of the district: a rectangle around its core (CAP polygon, 5 positions).
const QUARTER = {
  type: "Feature" as const,
  properties: null,
  geometry: {
    type: "Polygon" as const,
    coordinates: [
      [
        [116.43, 39.885],
        [116.555, 39.885],
        [116.555, 39.985],
        [116.43, 39.985],
        [116.43, 39.885],
      ],
    ],
  },
};
const share =
  area(
    intersect(featureCollection([turfPolygon(QUARTER.geometry.coordinates), outline.feature as never])) ??
      QUARTER,
  ) / area(outline.feature);

function points(n: number): { lon: number; lat: number }[] {
  const out: { lon: number; lat: number }[] = [];
  let seed = 42;
  const rand = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  while (out.length < n) {
    const lon = minX + rand() * (maxX - minX);
    const lat = minY + rand() * (maxY - minY);
    if (booleanPointInPolygon([lon, lat], outline.feature)) {
      out.push({ lon: Number(lon.toFixed(6)), lat: Number(lat.toFixed(6)) });
    }
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const area0 = { divisionCodes: [], features: [QUARTER] };
const pts = points(N);
const created = new Date().toISOString();

async function timeTargeting(handle: DatabaseHandle, label: string) {
  const times: number[] = [];
  let selected = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    selected = (await targetSubscriberKeys(handle.db, handle.dialect, [area0 as never])).length;
    times.push(performance.now() - t0);
  }
  // The same selection with every address loaded (what the enqueue step then needs).
  const t1 = performance.now();
  const withAddresses = (await targetSubscribers(handle.db, handle.dialect, [area0 as never])).length;
  report({
    name: `warning_targeting.${label}.with_addresses`,
    value: (performance.now() - t1) / 1000,
    unit: "s",
  });
  if (withAddresses !== selected) {
    throw new Error(`${label}: ${withAddresses} addresses for ${selected} keys`);
  }
  // Baseline: every row into JavaScript, then the same point-in-shape test.
  const inside = compileShapes([QUARTER as never]);
  const t0 = performance.now();
  const all = await handle.db.selectFrom("warning_subscribers").select(["id", "lon", "lat"]).execute();
  const scanned = all.filter((r) => r.lon !== null && r.lat !== null && inside(r.lon, r.lat)).length;
  const scan = performance.now() - t0;
  if (scanned !== selected) {
    throw new Error(`${label}: index selected ${selected}, scan ${scanned}`);
  }
  versus(`warning_targeting.${label}.median`, median(times) / 1000, scan / 1000, "s");
  report({ name: `warning_targeting.${label}.max`, value: Math.max(...times) / 1000, unit: "s" });
  report({ name: `warning_targeting.${label}.selected`, value: selected, unit: "subscribers" });
  return selected;
}

// ── SQLite ───────────────────────────────────────────────────────────────────────────────
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fenghuo-bench-targeting-"));
const file = path.join(dir, "fenghuo.db");
const handle = openDatabase({ sqliteFile: file });
await migrateToLatest(handle.db, "sqlite");
{
  const raw = new SQLite(file);
  raw.pragma("journal_mode = WAL");
  const insert = raw.prepare(
    "insert into warning_subscribers (id, channel, address, name, division_code, lon, lat, cell, created_at) values (?, 'sms', ?, null, null, ?, ?, ?, ?)",
  );
  const t0 = performance.now();
  raw.transaction(() => {
    pts.forEach((p, i) => {
      insert.run(
        randomUUID(),
        `1${String(3_000_000_000 + i)}`,
        p.lon,
        p.lat,
        gridCell(p.lon, p.lat),
        created,
      );
    });
  })();
  raw.close();
  report({
    name: "warning_targeting.sqlite.load_1m_with_rtree",
    value: (performance.now() - t0) / 1000,
    unit: "s",
  });
}
report({ name: "warning_targeting.quarter_share_of_district", value: share, unit: "ratio" });
const selected = await timeTargeting(handle, "sqlite");

// Enqueue one SMS per selected subscriber: the outbox path vs a bare bulk insert of the same rows.
const targets = await targetSubscribers(handle.db, "sqlite", [area0 as never]);
const now = new Date("2026-11-27T03:00:00Z");
const messages: OutboundMessage[] = targets.map((t) => ({
  channel: "sms",
  recipient: t.address,
  dedupeKey: `w:bench:1:sms:${t.address}`,
  body: "【朝阳区预警】北京市气象台暴雨黄色预警（朝阳区转发）：减少外出。咨询电话：010-65099999",
  payload: { audience: "public", subscriber: t.id },
  sourceType: "warning",
  sourceId: "bench",
}));
await sql`create table outbox_bare as select * from outbox where 0`.execute(handle.db);
await sql`create unique index outbox_bare_dedupe on outbox_bare (dedupe_key)`.execute(handle.db);
await sql`create index outbox_bare_due on outbox_bare (state, next_attempt_at)`.execute(handle.db);
await sql`create index outbox_bare_source on outbox_bare (source_type, source_id)`.execute(handle.db);
let t0 = performance.now();
await handle.db.transaction().execute(async (trx) => {
  const rows = messages.map((m) => ({
    id: randomUUID(),
    channel: m.channel,
    recipient: m.recipient,
    dedupe_key: m.dedupeKey,
    subject: null,
    body: m.body,
    payload: JSON.stringify(m.payload),
    source_type: "warning",
    source_id: "bench",
    state: "pending",
    attempts: 0,
    next_attempt_at: now.toISOString(),
    lease_until: null,
    last_error: null,
    created_at: now.toISOString(),
    sent_at: null,
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await (trx as never as typeof handle.db)
      .insertInto("outbox_bare" as "outbox")
      .values(rows.slice(i, i + 500))
      .execute();
  }
});
const bare = performance.now() - t0;
t0 = performance.now();
await handle.db.transaction().execute((trx) => enqueue(trx, now, messages));
const outboxOne = performance.now() - t0;
versus("warning_enqueue.sqlite.one_transaction", outboxOne / 1000, bare / 1000, "s");
// The production path: the dissemination job's batches (JOB_BATCH), each its own transaction.
await sql`delete from outbox`.execute(handle.db);
t0 = performance.now();
const again = await targetSubscribers(handle.db, "sqlite", [area0 as never]);
for (let i = 0; i < messages.length; i += JOB_BATCH) {
  await handle.db.transaction().execute((trx) => enqueue(trx, now, messages.slice(i, i + JOB_BATCH)));
}
const jobPath = performance.now() - t0;
versus("warning_enqueue.sqlite.job_path_with_targeting", jobPath / 1000, bare / 1000, "s");
report({ name: "warning_enqueue.sqlite.rows", value: again.length, unit: "messages" });
if (again.length !== selected) {
  throw new Error("targeting changed between runs");
}
await handle.close();
fs.rmSync(dir, { recursive: true, force: true });

// ── PostgreSQL (grid index) ──────────────────────────────────────────────────────────────
if (process.env.DATABASE_URL) {
  const schema = `bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  try {
    const pgHandle = openDatabase({ databaseUrl: process.env.DATABASE_URL, pgSchema: schema });
    await migrateToLatest(pgHandle.db, "postgres");
    const t1 = performance.now();
    await admin.query(`set search_path = ${schema}`);
    for (let i = 0; i < pts.length; i += 20_000) {
      const chunk = pts.slice(i, i + 20_000);
      await admin.query(
        `insert into warning_subscribers (id, channel, address, lon, lat, cell, created_at)
         select gen_random_uuid()::text, 'sms', a, x, y, c, $5 from unnest($1::text[], $2::float8[], $3::float8[], $4::int[]) as t(a, x, y, c)`,
        [
          chunk.map((_, j) => `1${String(3_000_000_000 + i + j)}`),
          chunk.map((p) => p.lon),
          chunk.map((p) => p.lat),
          chunk.map((p) => gridCell(p.lon, p.lat)),
          created,
        ],
      );
    }
    await admin.query("analyze warning_subscribers");
    report({ name: "warning_targeting.postgres.load_1m", value: (performance.now() - t1) / 1000, unit: "s" });
    await timeTargeting(pgHandle, "postgres");
    await pgHandle.close();
  } finally {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}
