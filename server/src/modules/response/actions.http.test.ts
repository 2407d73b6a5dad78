/**
 * The workspace offers exactly what the server accepts (issue 12): for demo users of every kind and
 * responses in every state, on real HTTP, each action in `allowedActions` succeeds and each action
 * not in it is refused (403 or 409); each level in `levelOptions` can be taken and each other level
 * is refused. Both plan profiles (Chaoyang, Luolong).
 *
 * An accepted step that changes what the policy reads (activation, level change, post, end,
 * submission) runs on a fresh incident built into the same state; steps that do not (a task, a
 * check-in, a note, a decision record, the assessment text, reads) run on the shared one, and refused
 * steps change nothing, so attempts do not interfere. Fresh incidents are built by the module's
 * commands (the HTTP answers of those steps carry the whole workspace, which is what costs).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ApiClient,
  type ApiResponse,
  CORE_DEMO_USERS,
  startTestServer,
  type TestServer,
} from "../../../../tests/support/server.js";
import type { SessionUser } from "../../authz/principal.js";
import { ManualClock } from "../../clock.js";
import { type CommandScope, runCommand } from "../../http/command.js";
import { findUserByUsername, toSessionUser } from "../users/index.js";
import { activateResponse } from "./activation.js";
import { createCommandPost } from "./commandPost.js";
import { endResponse } from "./end.js";
import { responsePolicy } from "./index.js";
import type { CommandPostBody } from "./schema.js";
import { type WorkspaceView, workspace } from "./support.js";
import { createTask } from "./tasks.js";

const USERS = CORE_DEMO_USERS;
type Username = (typeof USERS)[number];

type Action = keyof typeof responsePolicy.rules;
const LEVEL_ACTIONS = ["activate", "upgrade", "downgrade"] as const;
const END_ACTIONS = ["requestEnd", "end", "approveEnd"] as const;
/** Steps that change what the policy reads: accepted ones run on a fresh incident. */
const CHANGES_STATE = new Set<Action>(["createPost", "submitAssessment"]);

interface Entity {
  id: string;
}
type Build = () => Promise<Entity>;

interface World {
  server: TestServer;
  as: Record<Username, ApiClient>;
  ids: Record<Username, string>;
  users: Record<Username, SessionUser>;
}

async function world(plan?: string): Promise<World> {
  const server = await startTestServer({
    clock: new ManualClock("2026-06-01T02:00:00Z"),
    ...(plan ? { plan } : {}),
  });
  const clients = await Promise.all(USERS.map((u) => server.login(u)));
  const as = Object.fromEntries(USERS.map((u, i) => [u, clients[i]])) as Record<Username, ApiClient>;
  const me = await Promise.all(clients.map((c) => c.get<{ user: { id: string } }>("/api/me")));
  const ids = Object.fromEntries(USERS.map((u, i) => [u, me[i]?.body.user.id ?? ""])) as Record<
    Username,
    string
  >;
  const rows = await Promise.all(USERS.map((u) => findUserByUsername(server.ctx.db, u)));
  const users = Object.fromEntries(
    USERS.map((u, i) => {
      const row = rows[i];
      if (!row) {
        throw new Error(`no demo user ${u}`);
      }
      return [u, toSessionUser(row)];
    }),
  ) as Record<Username, SessionUser>;
  return { server, as, ids, users };
}

/** Runs a module command as a demo user (building a fresh incident's state). */
function step(wd: World, user: Username, f: (scope: CommandScope, u: SessionUser) => Promise<unknown>) {
  const u = wd.users[user];
  return runCommand(wd.server.ctx, { id: randomUUID(), principal: { user: u, via: "session" } }, (scope) =>
    f(scope, u),
  );
}

const post = (roles: CommandPostBody["roles"]): CommandPostBody => ({
  name: "现场指挥部",
  address: "事发地",
  roles,
});

function ok<T>(res: ApiResponse<T>, what: string): T {
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** One tally per action: accepted and refused at least once each somewhere, or the proof is vacuous. */
const seen = { accepted: new Set<string>(), refused: new Set<string>() };

function expectVerdict(res: ApiResponse, listed: boolean, what: string) {
  const detail = `${what}: ${res.status} ${JSON.stringify(res.body)}`;
  if (listed) {
    expect(res.status >= 200 && res.status < 300, detail).toBe(true);
  } else {
    expect([403, 409], detail).toContain(res.status);
  }
}

const reason = "行动测试：按事态需要";

function levelCall(c: ApiClient, kind: (typeof LEVEL_ACTIONS)[number], id: string, level: string) {
  return kind === "activate"
    ? c.post(`/api/incidents/${id}/response`, { level, reason })
    : c.post(`/api/incidents/${id}/response/${kind}`, { level, reason });
}

/** The request behind each action that is not a level or an end step. */
async function attempt(
  c: ApiClient,
  action: Action,
  id: string,
  w: WorkspaceView,
  plan: { firstRole: string; decisionType: string | undefined },
): Promise<ApiResponse> {
  switch (action) {
    case "read":
      return c.get(`/api/incidents/${id}/tasks`);
    case "draftReport":
      return c.get(`/api/incidents/${id}/situation-report`);
    case "decide": {
      const body = { decisionType: plan.decisionType ?? "none", content: "行动测试决策" };
      // Either way of starting the mechanism will do: the offer covers both.
      const leader = await c.post(`/api/incidents/${id}/decisions`, { ...body, trigger: "leader" });
      if (leader.status < 300) {
        return leader;
      }
      const proposal = await c.post(`/api/incidents/${id}/decisions`, {
        ...body,
        trigger: "proposal",
        proposedByUnitId: "office",
      });
      return proposal.status < 300 || proposal.status === 409 ? proposal : leader;
    }
    case "createPost":
      return c.post(`/api/incidents/${id}/command-post`, {
        name: "行动测试现场指挥部",
        address: "事发地",
        roles: [{ roleId: plan.firstRole, holderName: "某领导" }],
      });
    case "operate":
      return c.post(`/api/incidents/${id}/tasks`, { title: "行动测试任务", unitId: "office" });
    case "operatePost":
      return c.post(`/api/command-posts/${w.post?.id}/checkins`, { kind: "team", name: "行动测试队伍" });
    case "editAssessment":
      return c.put(`/api/incidents/${id}/assessment`, { lessons: "行动测试" });
    case "submitAssessment":
      return c.post(`/api/incidents/${id}/assessment/submit`, {});
    default:
      throw new Error(`no request for ${action}`);
  }
}

/** Proves one user's offer on one state: every action and every level, accepted or refused as listed. */
async function prove(wd: World, user: Username, state: string, shared: Entity, build: Build) {
  const c = wd.as[user];
  const w = await workspace(c, shared.id);
  const listed = new Set(w.allowedActions);
  const tag = (a: string) => `${state} · ${user} · ${a}`;
  const profile = wd.server.ctx.plan.profile;
  const plan = {
    firstRole: profile.response.commandPost.roles[0]?.id ?? "commander",
    decisionType: profile.response.committeeDecision?.decisions[0]?.id,
  };
  const record = (a: string, yes: boolean) => (yes ? seen.accepted : seen.refused).add(a);

  for (const kind of LEVEL_ACTIONS) {
    const offered = w.levelOptions[kind];
    expect(listed.has(kind), tag(`${kind} listed iff a level is offered (${offered})`)).toBe(
      offered.length > 0,
    );
    const rank = w.response?.rank;
    const levels = w.plan.levels.filter((lv) =>
      rank === undefined || kind === "activate" ? true : kind === "upgrade" ? lv.rank > rank : lv.rank < rank,
    );
    for (const lv of levels) {
      const yes = offered.includes(lv.id);
      const target = yes ? await build() : shared;
      expectVerdict(await levelCall(c, kind, target.id, lv.id), yes, tag(`${kind} ${lv.id}`));
      record(kind, yes);
    }
  }

  // One endpoint carries the three end steps; which one a call is follows from the response's state.
  const endSteps = END_ACTIONS.filter((a) => listed.has(a));
  expect(endSteps.length, tag("at most one end step")).toBeLessThanOrEqual(1);
  const endStep = endSteps[0];
  const endTarget = endStep ? await build() : shared;
  // 000 §4.9 较大以上: the end records the city department's announcement.
  const city = w.plan.endAnnouncedBy?.units[0]?.id;
  const announcement = city
    ? { announcement: { unitId: city, announcedAt: "2026-06-01T02:00:00Z", docNo: "京应急〔2026〕1号" } }
    : {};
  const ended = await c.post(`/api/incidents/${endTarget.id}/response/end`, {
    summary: "行动测试",
    ...announcement,
  });
  expectVerdict(ended, endStep !== undefined, tag(`end (${endStep ?? "none listed"})`));
  if (endStep) {
    const after = await workspace(c, endTarget.id);
    expect(after.response?.state, tag(endStep)).toBe(endStep === "requestEnd" ? "end_requested" : "ended");
  }
  for (const a of END_ACTIONS) {
    record(a, a === endStep);
  }

  for (const action of Object.keys(responsePolicy.rules) as Action[]) {
    if (
      (LEVEL_ACTIONS as readonly string[]).includes(action) ||
      (END_ACTIONS as readonly string[]).includes(action)
    ) {
      continue;
    }
    if (action === "updateTask") {
      expect(listed.has(action), tag("updateTask is offered per task")).toBe(false);
      for (const task of w.tasks.slice(0, 1)) {
        const yes = task.allowedActions.includes("updateTask");
        expectVerdict(await c.patch(`/api/tasks/${task.id}`, { note: "行动测试" }), yes, tag("updateTask"));
        record(action, yes);
      }
      continue;
    }
    if (action === "operatePost" && !w.post) {
      // Without a post there is nothing to address (404); it must not be offered.
      expect(listed.has(action), tag(action)).toBe(false);
      continue;
    }
    const yes = listed.has(action);
    const target = yes && CHANGES_STATE.has(action) ? await build() : shared;
    expectVerdict(await attempt(c, action, target.id, w, plan), yes, tag(action));
    record(action, yes);
  }
}

async function proveAll(wd: World, state: string, build: Build) {
  const shared = await build();
  await Promise.all(USERS.map((u) => prove(wd, u, state, shared, build)));
}

describe("Chaoyang: every offered action is accepted, every other refused", () => {
  let wd: World;
  beforeAll(async () => {
    wd = await world();
  });
  afterAll(() => wd.server.close());

  const register = async (grade: string): Promise<Entity> => {
    const res = await wd.as.duty.post<{ id: string }>("/api/incidents", {
      title: "行动测试燃气泄漏",
      subtypeId: "gas",
      occurredAt: "2026-06-01T01:55:00Z",
      sourceChannel: "96777",
      divisionCode: "110105001",
      level: grade,
    });
    return { id: ok(res, "register").id };
  };
  const activator = {
    general: ["hqoffice", "level_ii"],
    larger: ["director", "level_i"],
    below_general: ["chengguan", "level_iii"],
  } as const;
  const active = async (grade: keyof typeof activator) => {
    const e = await register(grade);
    const [user, level] = activator[grade];
    await step(wd, user, (scope, u) => activateResponse(wd.server.ctx, scope, e.id, { level }, u));
    return e;
  };
  const withPost = async (grade: "general" | "larger") => {
    const e = await active(grade);
    const ctx = wd.server.ctx;
    const roles = [{ roleId: "commander", holderName: "某领导" }];
    await step(wd, "chengguan", (scope, u) => createCommandPost(ctx, scope, e.id, post(roles), u));
    await step(wd, "office", (scope, u) =>
      createTask(ctx, scope, e.id, { title: "关阀", unitId: "dept-chengguan" }, u),
    );
    return e;
  };
  const ended = async () => {
    const e = await withPost("larger");
    const announcement = {
      unitId: "ext-city-departments",
      announcedAt: "2026-06-01T02:00:00Z",
      docNo: "京应急〔2026〕1号",
    };
    await step(wd, "office", (scope, u) => endResponse(wd.server.ctx, scope, e.id, { announcement }, u));
    return e;
  };

  it("一般, 较大 and 小于一般 without a response", async () => {
    await proveAll(wd, "一般·无响应", () => register("general"));
    await proveAll(wd, "较大·无响应", () => register("larger"));
    await proveAll(wd, "小于一般·无响应", () => register("below_general"));
  });

  it("Ⅱ级 running without a post and with one; Ⅲ级 running (no post below 一般)", async () => {
    await proveAll(wd, "一般·Ⅱ级", () => active("general"));
    await proveAll(wd, "一般·Ⅱ级·指挥部", () => withPost("general"));
    await proveAll(wd, "小于一般·Ⅲ级", () => active("below_general"));
  });

  it("Ⅰ级 running with a post, and ended with its assessment pending", async () => {
    await proveAll(wd, "较大·Ⅰ级·指挥部", () => withPost("larger"));
    await proveAll(wd, "较大·Ⅰ级·已结束", ended);
  });
});

describe("Luolong: the post asks for the end, the committee approves it (002 §5.6)", () => {
  let wd: World;
  beforeAll(async () => {
    wd = await world("luolong");
  });
  afterAll(() => wd.server.close());

  const register = async (): Promise<Entity> => {
    const res = await wd.as.duty.post<{ id: string }>("/api/incidents", {
      title: "行动测试燃气爆炸",
      subtypeId: "safety_accident",
      occurredAt: "2026-06-01T01:50:00Z",
      sourceChannel: "119",
      divisionCode: "410311002",
      level: "larger",
    });
    return { id: ok(res, "register").id };
  };
  const withPost = async () => {
    const e = await register();
    const ctx = wd.server.ctx;
    await step(wd, "director", (scope, u) =>
      activateResponse(ctx, scope, e.id, { level: "response_iii" }, u),
    );
    const roles = [{ roleId: "commander", holderName: "现场指挥长 何勇", userId: wd.ids.commander }];
    await step(wd, "director", (scope, u) => createCommandPost(ctx, scope, e.id, post(roles), u));
    await step(wd, "office", (scope, u) =>
      createTask(ctx, scope, e.id, { title: "搜救", unitId: "office" }, u),
    );
    return e;
  };
  const requested = async () => {
    const e = await withPost();
    await step(wd, "commander", (scope, u) => endResponse(wd.server.ctx, scope, e.id, {}, u));
    return e;
  };

  it("较大 without a response, running with a post, end requested, ended", async () => {
    await proveAll(wd, "洛龙·较大·无响应", register);
    await proveAll(wd, "洛龙·Ⅲ级·指挥部", withPost);
    await proveAll(wd, "洛龙·请示结束", requested);
    await proveAll(wd, "洛龙·已结束", async () => {
      const e = await requested();
      await step(wd, "director", (scope, u) => endResponse(wd.server.ctx, scope, e.id, {}, u));
      return e;
    });
  });

  it("every action of the policy was both accepted and refused somewhere", () => {
    const all = Object.keys(responsePolicy.rules).filter((a) => a !== "read");
    expect(all.filter((a) => !seen.accepted.has(a))).toEqual([]);
    expect(all.filter((a) => !seen.refused.has(a))).toEqual([]);
  });
});
