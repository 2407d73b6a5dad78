// Issue 4 deadline engine: opens the database the intake bench filled with 100,000 pending deadlines
// (FENGHUO_DATA_DIR) and times the sweeps as the clock moves, with this process's memory (the server's).
import { ManualClock } from "../../server/src/clock.js";
import { loadConfig } from "../../server/src/config.js";
import { sweepIncidentDeadlines } from "../../server/src/modules/incidents/index.js";
import { openRuntime } from "../../server/src/server.js";
import { report } from "./report.js";

const T0 = new Date("2026-11-27T00:00:00Z").getTime();
const PENDING = Number(process.env.BENCH_PENDING ?? 100_000);
const clock = new ManualClock(new Date(T0));
const runtime = await openRuntime(loadConfig(process.env), { clock });
const { ctx } = runtime;
const rss = () => process.memoryUsage().rss / 1024 / 1024;
report({ name: "deadline_sweep.rss_at_start", value: rss(), unit: "MB" });
let peak = rss();
const sampler = setInterval(() => {
  peak = Math.max(peak, rss());
}, 10);

async function timedSweep(name: string, minutes: number, expected: number): Promise<void> {
  clock.set(new Date(T0 + minutes * 60_000));
  const start = performance.now();
  const handled = await sweepIncidentDeadlines(ctx);
  const ms = performance.now() - start;
  // The demo incidents seeded beside the 100,000 add a handful of their own deadlines.
  if (handled < expected) {
    throw new Error(`${name}: swept ${handled}, expected at least ${expected}`);
  }
  report({ name: `${name}.ms`, value: ms, unit: "ms" });
  report({ name: `${name}.rows`, value: handled, unit: "deadlines" });
}

await timedSweep("deadline_sweep.none_due_of_100k", 0, 0);
await timedSweep("deadline_sweep.1k_due_of_100k", 1_000, 1_000);
await timedSweep("deadline_sweep.9k_due_of_99k", 10_000, 9_000);
await timedSweep("deadline_sweep.90k_due_of_90k", PENDING, PENDING - 10_000);
clearInterval(sampler);
report({ name: "deadline_sweep.peak_rss", value: Math.max(peak, rss()), unit: "MB" });
await runtime.close();
