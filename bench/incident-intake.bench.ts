// Issue 4 §Performance. (1) Intake: 50 concurrent clients POST /api/incidents through the full path
// (session, validation, profile rules, numbering, duplicate check, deadlines, timeline, audit, SSE) on
// SQLite: saturated (closed loop, the most it answers, against the ceiling of a bare Fastify route
// inserting one row in the same run) and at the target 1,000/s offered (open loop, for its latency).
// (2) Deadline engine: 100,000 pending deadlines; the sweep that marks the due ones overdue and
// escalates them, timed in-process with the process's memory.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { ManualClock } from "../server/src/clock.js";
import { loadConfig } from "../server/src/config.js";
import { seedDemo } from "../server/src/demo/seed.js";
import type { IncidentDeadlineTable, IncidentTable } from "../server/src/modules/incidents/index.js";
import { insertDeadlines } from "../server/src/modules/incidents/index.js";
import { openRuntime } from "../server/src/server.js";
import { startChild, stopChild } from "./support/child.js";
import { fixedRate } from "./support/fixedRate.js";
import { report, versus } from "./support/report.js";
import { signIn } from "./support/signIn.js";

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 50;
/** The intake target: sustained registrations per second. */
const TARGET_RATE = 1_000;
const PASSWORD = "bench-password-1";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fenghuo-bench-intake-"));
const env = { FENGHUO_DATA_DIR: dir, FENGHUO_DEMO_PASSWORD: PASSWORD };

// ------------------------------------------------------------------------------------------------
// 1. intake
// ------------------------------------------------------------------------------------------------

/** Chaoyang's 24 streets and 19 township-level areas (000 §1.1), GB/T 2260 codes 110105001–043. */
const STREETS = Array.from({ length: 43 }, (_, i) => `110105${String(i + 1).padStart(3, "0")}`);
/** The clustered mix: few subtypes in few streets, so every registration has dozens of open neighbours. */
const CLUSTERED = [
  "gas",
  "fire",
  "road_traffic",
  "rainstorm",
  "heating",
  "power_supply",
  "construction",
  "stampede",
];

/**
 * Valid registrations as a busy desk receives them: occurred minutes before receipt (so no deadline
 * falls due during the run and the sweep stays out of the measurement), each subtype in each street in
 * turn (so the duplicate check sees the neighbours that build up over the run).
 */
function bodies(subtypes: string[], streets: string[]): (i: number) => string {
  return (i) =>
    JSON.stringify({
      title: `压测事件 ${i}`,
      subtypeId: subtypes[i % subtypes.length],
      occurredAt: new Date(Date.now() - (5 + (i % 30)) * 60_000).toISOString(),
      sourceChannel: "110",
      divisionCode: streets[Math.floor(i / subtypes.length) % streets.length],
      figures: { injuries: i % 3, evacuated: i % 50 },
      description: "benchmark",
    });
}

function load(
  url: string,
  method: "PUT" | "POST",
  headers: Record<string, string>,
  makeBody: (i: number) => string,
) {
  let i = 0;
  return autocannon({
    url,
    method,
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: { "content-type": "application/json", ...headers },
    requests: [
      {
        setupRequest: (req) => ({ ...req, body: makeBody(i++) }),
      },
    ],
  });
}

const bare = await startChild("bench/support/bareServer.ts", env);
const bareResult = await load(`${bare.url}/bare`, "PUT", {}, () => JSON.stringify({ locale: "zh-CN" }));
await stopChild(bare.child);

/** A fresh server, signed in as the duty officer, loaded with one mix of registrations. */
async function intake<R>(
  mix: (subtypes: string[]) => (i: number) => string,
  drive: (url: string, headers: Record<string, string>, body: (i: number) => string) => Promise<R>,
): Promise<R> {
  const full = await startChild("bench/support/fullServer.ts", env);
  const { headers } = await signIn(full.url, "duty", PASSWORD);
  const meta = (await (await fetch(`${full.url}/api/incidents/meta`, { headers })).json()) as {
    categories: { subtypes: { id: string }[] }[];
  };
  const subtypes = meta.categories.flatMap((c) => c.subtypes.map((s) => s.id));
  const result = await drive(`${full.url}/api/incidents`, headers, mix(subtypes));
  await stopChild(full.child);
  return result;
}

/** Closed loop: 50 clients each send the next registration when their answer arrives (saturation). */
async function saturate(url: string, headers: Record<string, string>, body: (i: number) => string) {
  const result = await load(url, "POST", headers, body);
  if (result.non2xx > 0) {
    throw new Error(`intake: ${result.non2xx} non-2xx responses`);
  }
  return result;
}

/** Open loop: the target rate offered over 50 connections, latency counted from each due time. */
async function atTargetRate(url: string, headers: Record<string, string>, body: (i: number) => string) {
  const result = await fixedRate({
    url,
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    rate: TARGET_RATE,
    connections: CONNECTIONS,
    warmupS: 3,
    durationS: DURATION_S,
  });
  if (result.non2xx > 0) {
    throw new Error(`intake at ${TARGET_RATE}/s: ${result.non2xx} non-2xx responses`);
  }
  return result;
}

const fullResult = await intake((subtypes) => bodies(subtypes, STREETS), saturate);
const clustered = await intake(() => bodies(CLUSTERED, STREETS.slice(0, 40)), saturate);
const atTarget = await intake((subtypes) => bodies(subtypes, STREETS), atTargetRate);

if (bareResult.non2xx > 0) {
  throw new Error(`bare: ${bareResult.non2xx} non-2xx responses`);
}
versus("incident_intake.req_per_s", fullResult.requests.average, bareResult.requests.average, "req/s");
report({ name: "incident_intake.p99", value: fullResult.latency.p99, unit: "ms" });
report({ name: "incident_intake.p50", value: fullResult.latency.p50, unit: "ms" });
report({ name: "bare_insert.p99", value: bareResult.latency.p99, unit: "ms" });
report({ name: "incident_intake.connections", value: CONNECTIONS, unit: "connections" });
versus(
  "incident_intake_clustered.req_per_s",
  clustered.requests.average,
  bareResult.requests.average,
  "req/s",
);
report({ name: "incident_intake_clustered.p99", value: clustered.latency.p99, unit: "ms" });
report({ name: "incident_intake_at_1000.achieved", value: atTarget.achieved, unit: "req/s" });
report({ name: "incident_intake_at_1000.p50", value: atTarget.p50, unit: "ms" });
report({ name: "incident_intake_at_1000.p99", value: atTarget.p99, unit: "ms" });
report({ name: "incident_intake_at_1000.max", value: atTarget.max, unit: "ms" });

// ------------------------------------------------------------------------------------------------
// 2. deadline sweep over 100,000 pending deadlines
// ------------------------------------------------------------------------------------------------

const PENDING = 100_000;
const PER_INCIDENT = 4;
const clock = new ManualClock("2026-11-27T00:00:00Z");
const sweepDir = fs.mkdtempSync(path.join(os.tmpdir(), "fenghuo-bench-sweep-"));
const runtime = await openRuntime(loadConfig({ ...process.env, FENGHUO_DATA_DIR: sweepDir }), { clock });
const { ctx } = runtime;
await seedDemo(ctx, PASSWORD);

/** 25,000 incidents with 4 pending deadlines each, due from 1 minute to ~69 days ahead. */
async function fill(): Promise<void> {
  const t0 = clock.now().getTime();
  await ctx.db.transaction().execute(async (trx) => {
    const incidents: IncidentTable[] = [];
    const deadlines: IncidentDeadlineTable[] = [];
    for (let i = 0; i < PENDING / PER_INCIDENT; i++) {
      const id = `bench-${i}`;
      const at = new Date(t0 - 60_000).toISOString();
      incidents.push({
        id,
        number: `BN-2026-${String(i + 1).padStart(6, "0")}`,
        title: `压测 ${i}`,
        category_id: "accident_disaster",
        subtype_id: "gas",
        occurred_at: at,
        received_at: at,
        verified_at: null,
        source_channel: "110",
        source_detail: null,
        division_code: null,
        street_code: null,
        address: "bench",
        lat: null,
        lng: null,
        figures: "{}",
        flags: "[]",
        description: "",
        level: "undetermined",
        level_confirmed: 0,
        level_reason: null,
        lead_departments: "[]",
        cooperating_departments: "[]",
        status: "open",
        merged_into: null,
        possible_duplicates: "[]",
        handling_ended_at: null,
        reporter_unit_id: null,
        reporter_name: null,
        reporter_phone: null,
        created_by: null,
        created_at: at,
        updated_at: at,
      });
      for (let k = 0; k < PER_INCIDENT; k++) {
        const n = i * PER_INCIDENT + k;
        deadlines.push({
          id: `bench-d-${n}`,
          incident_id: id,
          rule_id: ["initial", "detailed", "undetermined_to_city", "publicity_with_report"][k] ?? "initial",
          kind: ["initial", "detailed", "undetermined_grade", "notification"][k] ?? "initial",
          name: "压测时限",
          round: 1,
          instruction_id: null,
          // Minute n+1 after t0: the first 1,000 fall due in the first sweep, 10,000 by the second.
          due_at: new Date(t0 + (n + 1) * 60_000).toISOString(),
          state: "pending",
          recipients: JSON.stringify([{ label: "区应急办", units: ["office"] }]),
          source: "000 §4.1",
          met_at: null,
          met_by: null,
          late_minutes: null,
          overdue_at: null,
          escalated_at: null,
          approval_report_id: null,
          approval_requested_at: null,
          approved_by: null,
          approved_by_name: null,
          approved_at: null,
          created_at: at,
        });
      }
    }
    for (let i = 0; i < incidents.length; i += 500) {
      await trx
        .insertInto("incidents")
        .values(incidents.slice(i, i + 500))
        .execute();
    }
    await insertDeadlines(trx, deadlines);
  });
}

await fill();
await runtime.close();

// The sweeps run in a fresh process over that database, as a restarted server would: its memory is
// the server's, not this generator's (which built 100,000 rows in memory above).
const child = spawnSync(process.execPath, ["--import", "tsx", "bench/support/sweepChild.ts"], {
  env: { ...process.env, FENGHUO_DATA_DIR: sweepDir, BENCH_PENDING: String(PENDING) },
  stdio: "inherit",
});
fs.rmSync(sweepDir, { recursive: true, force: true });
fs.rmSync(dir, { recursive: true, force: true });
if (child.status !== 0) {
  throw new Error(`sweep child exited ${child.status}`);
}
