// Issue 6 §3 performance: a filtered, paginated registry list over 100,000 resources, through the
// real HTTP route (auth, validation, query, presenting with allowedActions). p99 in ms per query
// shape; DATABASE_URL set = PostgreSQL.
import { report } from "./support/report.js";
import { benchServer, loadTeams, percentile, timeMany } from "./support/resources.js";

const N = Number(process.env.BENCH_TEAMS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);

const server = await benchServer();
await loadTeams(server.ctx, N);
const { cookie } = await server.login("duty");
const get = async (path: string) => {
  const res = await fetch(server.url + path, { headers: { cookie } });
  if (res.status !== 200) {
    throw new Error(`${path}: ${res.status} ${await res.text()}`);
  }
  return (await res.json()) as { items: unknown[]; nextCursor: string | null };
};

const shapes: [string, string][] = [
  ["kind_status", "/api/teams?kind=professional&status=available&limit=50"],
  ["owner_kind", "/api/teams?ownerUnitId=dept-chengguan&kind=professional&limit=50"],
  ["search_q", `/api/teams?q=${encodeURIComponent("燃气")}&limit=50`],
  ["tag_status", `/api/teams?tag=${encodeURIComponent("医疗救护")}&status=available&limit=50`],
  ["unfiltered", "/api/teams?limit=50"],
];

for (const [, path] of shapes) {
  for (let i = 0; i < 20; i++) {
    await get(path);
  }
}
const tag = `resources.list.${server.dialect}`;
report({ name: `${tag}.rows`, value: N, unit: "rows" });
for (const [name, path] of shapes) {
  const times = await timeMany(REQUESTS, () => get(path));
  report({ name: `${tag}.${name}.p50`, value: percentile(times, 50), unit: "ms" });
  report({ name: `${tag}.${name}.p99`, value: percentile(times, 99), unit: "ms" });
}

// Paging: the 20th page of a filtered list (keyset cursor, so deep pages cost the same).
const cursors: string[] = [];
let cursor: string | null = null;
for (let p = 0; p < 20; p++) {
  const page: { nextCursor: string | null } = await get(
    `/api/teams?kind=professional&status=available&limit=50${cursor ? `&cursor=${cursor}` : ""}`,
  );
  cursor = page.nextCursor;
  if (cursor) {
    cursors.push(cursor);
  }
}
const deep = await timeMany(REQUESTS, (i) =>
  get(`/api/teams?kind=professional&status=available&limit=50&cursor=${cursors[i % cursors.length]}`),
);
report({ name: `${tag}.kind_status_pages_1_to_20.p99`, value: percentile(deep, 99), unit: "ms" });

// Worst case: a search that matches nothing scans every row.
const miss = await timeMany(Math.min(REQUESTS, 50), () =>
  get(`/api/teams?q=${encodeURIComponent("不存在的队伍")}&limit=50`),
);
report({ name: `${tag}.search_no_match_full_scan.p99`, value: percentile(miss, 99), unit: "ms" });
await server.close();
