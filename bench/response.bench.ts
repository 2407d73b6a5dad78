// Issue 7: the incident workspace, the assessment documents, one-click checklist tasks and the
// overdue-task sweep, through the real server in this process (SQLite, or PostgreSQL when
// DATABASE_URL is set) over the demo data, which includes the demo response of issue 7.
import { randomUUID } from "node:crypto";
import { loadConfig } from "../server/src/config.js";
import { runCommand } from "../server/src/http/command.js";
import { insertTasks, sweepOverdueTasks } from "../server/src/modules/response/index.js";
import { openRuntime, startServer } from "../server/src/server.js";
import { createTestDatabase } from "../tests/support/db.js";
import { report, versus } from "./support/report.js";
import { signIn } from "./support/signIn.js";

const PASSWORD = "bench-password-1";
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const SWEEP_TASKS = Number(process.env.BENCH_SWEEP_TASKS ?? 10_000);

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
const ctx = runtime.ctx;

const login = (username: string) => signIn(url, username, PASSWORD);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function timeMany(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn();
    out.push(performance.now() - start);
  }
  return out;
}

const office = await login("office");
const director = await login("director");
const chengguan = await login("chengguan");
const call = async (
  who: { cookie: string; csrfToken: string },
  method: string,
  path: string,
  body?: unknown,
) => {
  const res = await fetch(url + path, {
    method,
    headers: {
      cookie: who.cookie,
      ...(method === "GET" ? {} : { "x-csrf-token": who.csrfToken, "content-type": "application/json" }),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status >= 300) {
    throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  }
  return res;
};

const list = (await (await call(office, "GET", "/api/responses")).json()) as {
  items: { incidentId: string }[];
};
const demoIncident = list.items[0]?.incidentId;
if (!demoIncident) {
  throw new Error("the demo response was not seeded");
}
const tag = `response.${db.dialect}`;

// 1. The workspace (everything on one screen) against the incident detail of the same incident.
for (let i = 0; i < 20; i++) {
  await call(office, "GET", `/api/incidents/${demoIncident}/response`);
  await call(office, "GET", `/api/incidents/${demoIncident}`);
}
const workspace = await timeMany(REQUESTS, () =>
  call(office, "GET", `/api/incidents/${demoIncident}/response`),
);
const detail = await timeMany(REQUESTS, () => call(office, "GET", `/api/incidents/${demoIncident}`));
versus(`${tag}.workspace.p50`, percentile(workspace, 50), percentile(detail, 50), "ms");
report({ name: `${tag}.workspace.p99`, value: percentile(workspace, 99), unit: "ms" });
report({ name: `${tag}.incident_detail.p99`, value: percentile(detail, 99), unit: "ms" });

// 2. The assessment report documents.
const docx = await timeMany(50, async () =>
  (await call(office, "GET", `/api/incidents/${demoIncident}/assessment.docx`)).arrayBuffer(),
);
report({ name: `${tag}.assessment_docx.p50`, value: percentile(docx, 50), unit: "ms" });
const pdf = await timeMany(30, async () =>
  (await call(office, "GET", `/api/incidents/${demoIncident}/assessment.pdf`)).arrayBuffer(),
);
report({ name: `${tag}.assessment_pdf.p50`, value: percentile(pdf, 50), unit: "ms" });

// 3. Register → Ⅰ级 → 15 checklist tasks in one click, per incident.
const duty = await login("duty");
const checklist: number[] = [];
for (let i = 0; i < 30; i++) {
  const reg = (await (
    await call(duty, "POST", "/api/incidents", {
      title: `压测燃气爆炸 ${i}`,
      subtypeId: "gas",
      occurredAt: new Date(Date.now() - 10 * 60_000).toISOString(),
      sourceChannel: "119",
      divisionCode: "110105026",
      level: "larger",
    })
  ).json()) as { id: string };
  await call(director, "POST", `/api/incidents/${reg.id}/response`, { level: "level_i" });
  const start = performance.now();
  await call(chengguan, "POST", `/api/incidents/${reg.id}/tasks/checklist`, {});
  checklist.push(performance.now() - start);
}
report({ name: `${tag}.checklist_15_tasks.p50`, value: percentile(checklist, 50), unit: "ms" });

// 4. The overdue sweep over many open tasks falling due at once (rows written straight, no audit).
const past = new Date(Date.now() - 60_000).toISOString();
await runCommand(ctx, { id: "bench" }, async (scope) => {
  const rows = Array.from({ length: SWEEP_TASKS }, (_, i) => ({
    id: randomUUID(),
    incident_id: demoIncident,
    post_id: null,
    seq: 1000 + i,
    title: `压测任务 ${i}`,
    detail: null,
    group_id: null,
    unit_id: "dept-chengguan",
    assignee_label: "区城管委",
    due_at: past,
    status: "pending",
    measure_ref: null,
    notes: [],
    overdue_at: null,
    completed_at: null,
    created_by: null,
    created_by_name: null,
    created_at: past,
    updated_at: past,
  }));
  await insertTasks(scope.trx, rows);
});
const start = performance.now();
const swept = await sweepOverdueTasks(ctx);
report({ name: `${tag}.overdue_sweep.${swept}_tasks`, value: performance.now() - start, unit: "ms" });

await app.close();
await runtime.close();
await db.drop();
