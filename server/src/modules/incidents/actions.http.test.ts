/**
 * The actions an incident carries are the actions the server accepts: for demo users of every kind
 * and incidents in several states (subtypes led by different departments, streets, verified and
 * reported, with instructions relayed, merged, closed), every action listed in `allowedActions` is
 * accepted over HTTP and every other one is refused with 403 or 409. An accepted write gets an
 * incident of its own, so attempts do not change each other's state; refusals write nothing and
 * share one. Incidents are built through the module's commands, not the API, to keep this fast.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ApiClient,
  CORE_DEMO_USERS,
  startTestServer,
  type TestServer,
} from "../../../../tests/support/server.js";
import type { Principal } from "../../authz/principal.js";
import { ManualClock } from "../../clock.js";
import { runCommand } from "../../http/command.js";
import { findUserByUsername, toSessionUser } from "../users/index.js";
import { recordInstruction } from "./instructions.js";
import { mergeIncident } from "./merge.js";
import type { IncidentAction } from "./policy.js";
import { registerIncident, validateRegistration } from "./registration.js";
import { fileReport } from "./reports.js";
import type { RegisterBody, ReportBody } from "./schema.js";
import { gasLeak, type IncidentDto, reportFields } from "./support.js";
import { verifyIncident } from "./verification.js";

const clock = new ManualClock("2026-11-27T03:00:00Z");
let server: TestServer;
let duty: Principal;
const clients = new Map<string, ApiClient>();

const USERS = CORE_DEMO_USERS;

const ACTIONS: readonly IncidentAction[] = [
  "read",
  "register",
  "setLevel",
  "verify",
  "fileReport",
  "recordInstruction",
  "feedback",
  "merge",
  "approveUpward",
];

const JIANWAI = "110105001";
const ELSEWHERE = "110105026";

interface Fixture {
  id: string;
  /** The registration body, for "register": a new incident of the same subtype and place. */
  body: RegisterBody;
  instructionId?: string;
}

interface State {
  name: string;
  subtype: string;
  division: string;
  steps?: (id: string) => Promise<string | undefined>;
}

const as = <T>(fn: Parameters<typeof runCommand<T>>[2]) =>
  runCommand(server.ctx, { id: "test:actions", principal: duty }, fn);

async function register(subtype: string, division: string): Promise<Fixture> {
  const body = gasLeak(clock.now(), {
    subtypeId: subtype,
    divisionCode: division,
    title: `${subtype} @ ${division}`,
  }) as RegisterBody;
  const valid = await validateRegistration(server.ctx, body, clock.now());
  const { row } = await as((scope) => registerIncident(server.ctx, scope, valid));
  return { id: row.id, body };
}

const report = (id: string, kind: ReportBody["kind"]) =>
  as((scope) => fileReport(server.ctx, scope, id, { kind, fields: reportFields() }));

const instruct = (id: string, relayTo: string[]) =>
  as((scope) =>
    recordInstruction(server.ctx, scope, id, { leader: "分管区领导 孙伟", content: "及时报告进展", relayTo }),
  );

let mergeTarget: string;

const STATES: State[] = [
  { name: "gas in 建外 (城管委 leads), fresh", subtype: "gas", division: JIANWAI },
  { name: "fire in 建外 (消防 leads)", subtype: "fire", division: JIANWAI },
  {
    name: "gas elsewhere, verified, initial report filed, instruction relayed to 建外",
    subtype: "gas",
    division: ELSEWHERE,
    steps: async (id) => {
      await as((scope) => verifyIncident(server.ctx, scope, id, {}));
      await report(id, "initial");
      return instruct(id, [JIANWAI]);
    },
  },
  {
    name: "fire elsewhere, instruction relayed to 城管委",
    subtype: "fire",
    division: ELSEWHERE,
    steps: (id) => instruct(id, ["dept-chengguan"]),
  },
  {
    name: "gas in 建外, merged into another",
    subtype: "gas",
    division: JIANWAI,
    steps: async (id) => {
      await as((scope) => mergeIncident(server.ctx, scope, id, { into: mergeTarget }));
      return undefined;
    },
  },
  {
    name: "gas in 建外, closed by its final report, with an instruction",
    subtype: "gas",
    division: JIANWAI,
    steps: async (id) => {
      const instruction = await instruct(id, ["dept-chengguan"]);
      await report(id, "initial");
      await report(id, "final");
      return instruction;
    },
  },
];

async function build(state: State): Promise<Fixture> {
  const fixture = await register(state.subtype, state.division);
  const instructionId = await state.steps?.(fixture.id);
  return instructionId ? { ...fixture, instructionId } : fixture;
}

async function login(username: string): Promise<ApiClient> {
  let client = clients.get(username);
  if (!client) {
    client = await server.login(username);
    clients.set(username, client);
  }
  return client;
}

beforeAll(async () => {
  server = await startTestServer({ clock });
  // Duplicate detection is not under test: many same-place incidents would each list all others.
  server.ctx.config.incidents.duplicateWindowMinutes = -1;
  const row = await findUserByUsername(server.ctx.db, "duty");
  if (!row) {
    throw new Error("no demo duty officer");
  }
  duty = { user: toSessionUser(row), via: "session" };
  mergeTarget = (await register("gas", JIANWAI)).id;
  await Promise.all(USERS.map(login));
});
afterAll(() => server.close());

/** Attempts the action on the fixture as the client; the status it answers (undefined: no attempt). */
async function attempt(
  client: ApiClient,
  action: IncidentAction,
  f: Fixture,
  hasInitial: boolean,
): Promise<number | undefined> {
  const path = `/api/incidents/${f.id}`;
  switch (action) {
    case "read":
      return (await client.get(path)).status;
    case "register":
      return (await client.post("/api/incidents", f.body)).status;
    case "setLevel":
      return (await client.post(`${path}/level`, { level: "general", reason: "现场核实" })).status;
    case "verify":
      return (await client.post(`${path}/verify`, { note: "电话核实" })).status;
    case "fileReport":
      return (
        await client.post(`${path}/reports`, {
          kind: hasInitial ? "continuing" : "initial",
          fields: reportFields(),
        })
      ).status;
    case "recordInstruction":
      return (await client.post(`${path}/instructions`, { leader: "区领导", content: "妥善处置" })).status;
    case "feedback":
      // Without an instruction there is nothing to feed back on (the state refuses it, see below).
      return f.instructionId
        ? (
            await client.post(`${path}/instructions/${f.instructionId}/feedback`, {
              channel: "phone",
              content: "已落实",
            })
          ).status
        : undefined;
    case "merge":
      return (await client.post(`${path}/merge`, { into: mergeTarget })).status;
    case "approveUpward": {
      // The report waiting for approval on this fixture (000 §4.1 报请…批准后); none: nothing to approve.
      const view = await client.get<IncidentDto>(path);
      const waiting = view.body.deadlines?.find((d) => d.awaitingApproval);
      return waiting
        ? (await client.post(`${path}/deadlines/${waiting.id}/approve-upward`, {})).status
        : undefined;
    }
  }
}

/** For each user: what the incident lists, and what each action answered. */
async function check(state: State): Promise<Map<string, IncidentAction[]>> {
  const shared = await build(state);
  const listed = new Map<string, IncidentAction[]>();
  await Promise.all(
    USERS.map(async (username) => {
      const client = await login(username);
      const view = await client.get<IncidentDto & { reports: { kind: string }[] }>(
        `/api/incidents/${shared.id}`,
      );
      expect(view.status).toBe(200);
      const allowed = view.body.allowedActions as IncidentAction[];
      listed.set(username, allowed);
      const hasInitial = view.body.reports.some((r) => r.kind === "initial");
      for (const action of ACTIONS) {
        const accepted = allowed.includes(action);
        const writes = action !== "read" && action !== "register";
        const target = accepted && writes ? await build(state) : shared;
        const status = await attempt(client, action, target, hasInitial);
        const what = `${username} ${action} on "${state.name}" (listed: ${allowed.join(",")})`;
        if (status === undefined) {
          expect(accepted, what).toBe(false);
        } else if (accepted) {
          expect(status, what).toBeGreaterThanOrEqual(200);
          expect(status, what).toBeLessThan(300);
        } else {
          expect([403, 409], `${what}: ${status}`).toContain(status);
        }
      }
    }),
  );
  return listed;
}

describe("allowedActions are what the server accepts", () => {
  it("on a fresh gas leak in 建外: the office, 城管委 (lead, incl. its HQ office) and the street", async () => {
    const listed = await check(STATES[0] as State);
    expect(listed.get("duty")).toEqual([
      "read",
      "register",
      "verify",
      "fileReport",
      "recordInstruction",
      "merge",
    ]);
    expect(listed.get("office_staff")).toContain("setLevel");
    expect(listed.get("duty")).not.toContain("setLevel");
    for (const u of ["chengguan", "chengguan_staff", "hqoffice", "jianwai"]) {
      expect(listed.get(u)).toEqual(["read", "register", "verify", "fileReport"]);
    }
    expect(listed.get("leader")).toEqual(["read", "recordInstruction"]);
    expect(listed.get("director")).toEqual(["read", "setLevel", "recordInstruction"]);
    // Neither the administrator nor the on-site commander fills a party of the plan.
    expect(listed.get("admin")).toEqual(["read"]);
    expect(listed.get("commander")).toEqual(["read"]);
  });

  it("on a fire in 建外: 城管委 is neither lead nor related department", async () => {
    const listed = await check(STATES[1] as State);
    expect(listed.get("chengguan_staff")).toEqual(["read"]);
    expect(listed.get("jianwai")).toContain("register");
  });

  it("on a verified, reported gas leak elsewhere: no second verification; 建外 may feed back on what was relayed to it", async () => {
    const listed = await check(STATES[2] as State);
    expect(listed.get("duty")).not.toContain("verify");
    expect(listed.get("duty")).toContain("fileReport");
    expect(listed.get("jianwai")).toEqual(["read", "feedback"]);
    // The initial report to the city waits for a committee leader (000 §4.1 报请区应急委相关领导批准后).
    expect(listed.get("director")).toContain("approveUpward");
    expect(listed.get("deputy")).toContain("approveUpward");
    expect(listed.get("office")).not.toContain("approveUpward");
    expect(listed.get("duty")).not.toContain("approveUpward");
  });

  it("on a fire elsewhere with an instruction relayed to 城管委: its members feed back, nothing else", async () => {
    const listed = await check(STATES[3] as State);
    expect(listed.get("chengguan")).toEqual(["read", "feedback"]);
    expect(listed.get("admin")).toEqual(["read"]);
  });

  it("on a merged incident: reading, and registering another incident of its kind", async () => {
    const listed = await check(STATES[4] as State);
    expect(listed.get("duty")).toEqual(["read", "register"]);
    expect(listed.get("office")).toEqual(["read", "register"]);
  });

  it("on a closed incident: instructions and their feedback go on, handling does not", async () => {
    const listed = await check(STATES[5] as State);
    expect(listed.get("duty")).toEqual(["read", "register", "recordInstruction", "feedback"]);
    expect(listed.get("chengguan_staff")).toEqual(["read", "register", "feedback"]);
  });
});
