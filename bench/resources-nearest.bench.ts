// Issue 6 §3 performance: nearest 10 among 100,000 resources through the spatial index (SQLite
// R*Tree / PostgreSQL GiST over point(lng, lat)) against a linear scan of the same rows, same run.
// Prints p50/p99 in ms; DATABASE_URL set = PostgreSQL.
import { nearest, nearestLinear } from "../server/src/modules/resources/index.js";
import { report, versus } from "./support/report.js";
import { BOX, benchServer, loadPoints, percentile, rng, timeMany } from "./support/resources.js";

const N = Number(process.env.BENCH_POINTS ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 2000);
const LINEAR_QUERIES = Number(process.env.BENCH_LINEAR_QUERIES ?? 100);

const server = await benchServer();
const { ctx } = server;
await loadPoints(ctx, N);
const next = rng(99);
const randomPoint = () => ({
  lat: BOX.minLat + next() * (BOX.maxLat - BOX.minLat),
  lng: BOX.minLng + next() * (BOX.maxLng - BOX.minLng),
});

// Warm up caches and the JIT.
for (let i = 0; i < 200; i++) {
  await nearest(ctx.db, ctx, randomPoint(), 10, {});
}
const indexed = await timeMany(QUERIES, () => nearest(ctx.db, ctx, randomPoint(), 10, {}));
const filtered = await timeMany(QUERIES, () =>
  nearest(ctx.db, ctx, randomPoint(), 10, { kinds: ["team"], status: "available" }),
);
const linear = await timeMany(LINEAR_QUERIES, () => nearestLinear(ctx.db, randomPoint(), 10, {}));

// The two must agree (the index answers exactly, not approximately).
for (let i = 0; i < 20; i++) {
  const p = randomPoint();
  const a = (await nearest(ctx.db, ctx, p, 10, {})).map((r) => r.distanceM);
  const b = (await nearestLinear(ctx.db, p, 10, {})).map((r) => r.distanceM);
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    throw new Error(`index and scan disagree at ${JSON.stringify(p)}: ${a} vs ${b}`);
  }
}

const tag = `resources.nearest10.${server.dialect}`;
report({ name: `${tag}.points`, value: N, unit: "rows" });
report({ name: `${tag}.indexed.p50`, value: percentile(indexed, 50), unit: "ms" });
versus(`${tag}.indexed.p99_vs_linear`, percentile(indexed, 99), percentile(linear, 99), "ms");
report({ name: `${tag}.filtered_team_available.p99`, value: percentile(filtered, 99), unit: "ms" });
report({ name: `${tag}.linear.p50`, value: percentile(linear, 50), unit: "ms" });
await server.close();
