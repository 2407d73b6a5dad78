/**
 * The actions a warning response carries are exactly what the server accepts (STYLE: allowed actions
 * from the same policy the command checks): for demo users × warning states, every action listed in
 * `allowedActions` succeeds over HTTP and every other one is refused (403 who, 409 state). An allowed
 * attempt gets a fresh warning in the same state, so attempts never interfere.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WarningColour, WarningOrigin } from "../../../../shared/plan/schema.js";
import { type ApiClient, startTestServer, type TestServer } from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";
import { runCommand } from "../../http/command.js";
import { findUserByUsername } from "../users/index.js";
import { adjustWarning, liftWarning } from "./changes.js";
import { type Actor, factsOf, SYSTEM_ACTOR } from "./model.js";
import { warningPolicy } from "./policy.js";
import { publishWarning } from "./publication.js";
import { getWarning } from "./repository.js";
import { needsProposal, needsSubmission, type WarningAction } from "./rules.js";
import { approveWarning, createWarning, proposeWarning, submitWarning } from "./service.js";
import { CBD_SQUARE, draftBody } from "./testSupport.js";

const USERS = [
  "duty",
  "office_staff",
  "office",
  "chengguan",
  "chengguan_staff",
  "hqoffice",
  "leader",
  "deputy",
  "director",
  "jianwai",
  "admin",
] as const;
type User = (typeof USERS)[number];

const ACTIONS = Object.keys(warningPolicy.rules) as WarningAction[];

type State =
  | "draft"
  | "proposed"
  | "submitted"
  | "approved"
  | "published"
  | "pending_adjust"
  | "pending_lift";
const STATES: { state: State; origin: WarningOrigin; colour: WarningColour }[] = [
  { state: "draft", origin: "local", colour: "yellow" },
  { state: "proposed", origin: "local", colour: "yellow" },
  { state: "approved", origin: "local", colour: "yellow" },
  { state: "published", origin: "local", colour: "yellow" },
  { state: "pending_adjust", origin: "local", colour: "yellow" },
  // A relayed warning's lift waits for the same sign-off that relayed it (000 §3.3.1 第1项).
  { state: "pending_lift", origin: "relayed", colour: "yellow" },
  { state: "draft", origin: "relayed", colour: "red" },
  // 000 §3.3.1 第2项: an orange proposal goes to the office, which 报请 the committee's leaders.
  { state: "proposed", origin: "local", colour: "orange" },
  { state: "submitted", origin: "local", colour: "orange" },
  { state: "submitted", origin: "relayed", colour: "red" },
  { state: "published", origin: "local", colour: "orange" },
];

const clock = new ManualClock("2026-11-27T02:00:00Z");
let server: TestServer;
const clients = new Map<User, ApiClient>();
let drafter: Actor;

beforeAll(async () => {
  server = await startTestServer({ clock });
  for (const u of USERS) {
    clients.set(u, await server.login(u));
  }
  const row = await findUserByUsername(server.ctx.db, "chengguan_staff");
  drafter = { id: row?.id ?? null, name: row?.display_name ?? "", unitId: row?.unit_id ?? "" };
}, 60_000);
afterAll(() => server.close());

/** A warning of 区城管委 (燃气) in the state, made through the real commands. */
async function prepare(s: (typeof STATES)[number]): Promise<string> {
  clock.advance(1000);
  const ctx = server.ctx;
  const sys = { id: "actions-test" };
  const approver: Actor = { id: null, name: "测试审批人", unitId: "committee" };
  const body = draftBody({
    origin: s.origin,
    colour: s.colour,
    area: { divisionCodes: ["110105001"], features: [CBD_SQUARE] },
  }) as Parameters<typeof createWarning>[3];
  const id = await runCommand(ctx, sys, (scope) => createWarning(ctx, scope, drafter, body));
  const step = (fn: Parameters<typeof runCommand<void>>[2]) => runCommand(ctx, sys, fn);
  const fresh = (scope: { trx: Parameters<typeof getWarning>[0] }) => getWarning(scope.trx, id);
  if (s.state === "draft") {
    return id;
  }
  if (needsProposal(ctx.plan.profile, s.origin, s.colour)) {
    await step(async (c) => proposeWarning(ctx, c, drafter, await fresh(c), undefined));
  }
  if (s.state === "proposed") {
    return id;
  }
  await step(async (c) => {
    const w = await fresh(c);
    if (needsSubmission(ctx.plan.profile, factsOf(w))) {
      await submitWarning(ctx, c, SYSTEM_ACTOR, w, undefined);
    }
  });
  if (s.state === "submitted") {
    return id;
  }
  await step(async (c) => approveWarning(ctx, c, approver, await fresh(c), undefined, false));
  if (s.state === "approved") {
    return id;
  }
  await step(async (c) => publishWarning(ctx, c, SYSTEM_ACTOR, await fresh(c), ["inApp"], false));
  if (s.state === "pending_adjust") {
    await step(async (c) => {
      await adjustWarning(ctx, c, SYSTEM_ACTOR, await fresh(c), {
        reason: "测试",
        changes: { title: "调整" },
      });
    });
  }
  if (s.state === "pending_lift") {
    await step(async (c) => {
      await liftWarning(ctx, c, SYSTEM_ACTOR, await fresh(c), "测试");
    });
  }
  return id;
}

function attempt(client: ApiClient, action: WarningAction, id: string) {
  const bodies: Record<WarningAction, unknown> = {
    edit: { title: "修改后的标题" },
    propose: {},
    submit: {},
    approve: {},
    reject: { reason: "退回测试" },
    publish: { channels: ["inApp"] },
    release: {},
    authorise: { unitIds: ["dept-chengguan"] },
    adjust: { reason: "调整测试", changes: { title: "调整后的标题" } },
    lift: { reason: "解除测试" },
  };
  return action === "edit"
    ? client.patch(`/api/warnings/${id}`, bodies.edit)
    : client.post(`/api/warnings/${id}/${action}`, bodies[action]);
}

describe("allowedActions is what the server accepts", () => {
  for (const s of STATES) {
    it(`${s.origin} ${s.colour} ${s.state}`, async () => {
      const shared = await prepare(s);
      const got: string[] = [];
      const want: string[] = [];
      let accepted = 0;
      for (const user of USERS) {
        const client = clients.get(user) as ApiClient;
        const view = await client.get<{ allowedActions: WarningAction[] }>(`/api/warnings/${shared}`);
        expect(view.status).toBe(200);
        const allowed = view.body.allowedActions;
        for (const action of ACTIONS) {
          const may = allowed.includes(action);
          const res = await attempt(client, action, may ? await prepare(s) : shared);
          const ok = res.status >= 200 && res.status < 300;
          const refused = res.status === 403 || res.status === 409;
          got.push(`${user} ${action} ${ok ? "accepted" : refused ? "refused" : res.status}`);
          want.push(`${user} ${action} ${may ? "accepted" : "refused"}`);
          accepted += may ? 1 : 0;
        }
      }
      expect(got).toEqual(want);
      // Every state has someone who can move it on, so the test is never vacuous.
      expect(accepted).toBeGreaterThan(0);
    }, 120_000);
  }

  it("create: the draft form is offered (meta.canDraft) exactly to those whose draft is accepted", async () => {
    const got: string[] = [];
    const want: string[] = [];
    for (const user of USERS) {
      const client = clients.get(user) as ApiClient;
      const meta = await client.get<{ canDraft: boolean }>("/api/warnings/meta");
      clock.advance(1000);
      const unitId = (await findUserByUsername(server.ctx.db, user))?.unit_id ?? "";
      const res = await client.post("/api/warnings", {
        ...draftBody({ area: { divisionCodes: ["110105001"], features: [CBD_SQUARE] } }),
        issuingUnitId: unitId,
      });
      got.push(`${user} ${res.status === 201 ? "accepted" : res.status === 403 ? "refused" : res.status}`);
      want.push(`${user} ${meta.body.canDraft ? "accepted" : "refused"}`);
    }
    expect(got).toEqual(want);
  });
});
