/**
 * The full warning authority matrix over real HTTP, for both plan profiles: every demo role ×
 * colour × action × origin, allowed (2xx) and refused (403 naming the authority). The expected
 * tables are written out by hand from the seed (Chaoyang: 000 §3.3.1; Luolong: 002 §4.2 as encoded
 * in plans/luolong.yaml), and each table is checked to cover every rule the profile defines.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WarningColour, WarningOrigin } from "../../../../shared/plan/schema.js";
import {
  type ApiClient,
  type Problem,
  startTestServer,
  type TestServer,
} from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";
import { runCommand } from "../../http/command.js";
import { warningAuthority } from "../plans/rules.js";
import { findUserByUsername } from "../users/repository.js";
import { adjustWarning, liftWarning } from "./changes.js";
import { type Actor, factsOf, SYSTEM_ACTOR } from "./model.js";
import { publishWarning } from "./publication.js";
import { getWarning } from "./repository.js";
import { needsProposal, needsSubmission } from "./rules.js";
import { approveWarning, createWarning, proposeWarning, submitWarning } from "./service.js";
import { CBD_SQUARE, draftBody } from "./testSupport.js";

const USERS = [
  "admin",
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
  "commander",
] as const;
type User = (typeof USERS)[number];

const CELLS = [
  "propose",
  "submit",
  "approve",
  "reject",
  "publish",
  "adjust",
  "adjust.approve",
  "lift",
  "lift.approve",
  "release",
] as const;
type Cell = (typeof CELLS)[number];
type Table = Record<WarningOrigin, Record<WarningColour, Partial<Record<Cell, User[]>>>>;

const OFFICE: User[] = ["duty", "office_staff", "office"];
/**
 * 区应急办 as the publisher (区突发事件预警信息发布中心): not its duty room. 000 §2.1.3 gives the
 * 总值班室's name to information intake (统一接收、研判和处理…信息，并及时报送相关区领导), while
 * 000 §3.3.1 has 区应急办（区突发事件预警信息发布中心）报请、发布、解除 and 第8项 向社会发布.
 */
const PUBLISHER: User[] = ["office_staff", "office"];
const DEPT: User[] = ["chengguan", "chengguan_staff", "hqoffice"];

/** 000 §3.3.1 for a 燃气事故 (事故灾难; 区城管委 leads; HQ office in 区城管委) drafted by 区城管委 staff. */
const CHAOYANG: Table = (() => {
  const ownBlueYellow = {
    propose: DEPT, // 区相关专项应急指挥部办公室或部门 报主管区领导
    submit: [], // 报主管区领导批准: no one in between
    approve: ["leader"], // 主管区领导批准
    reject: ["leader"],
    publish: DEPT, // 负责发布和解除
    adjust: [...PUBLISHER, ...DEPT], // 第5项: 区应急办和预警信息发布主责单位适时调整
    "adjust.approve": ["leader"],
    lift: DEPT,
    release: PUBLISHER, // 第8项: 向社会发布由区应急办（区突发事件预警信息发布中心）负责
  } satisfies Partial<Record<Cell, User[]>>;
  const relayedBlueYellow = {
    propose: [], // 转发无提出建议环节
    submit: [],
    approve: ["chengguan", "hqoffice"], // 报本单位主要领导后直接转发
    reject: ["chengguan", "hqoffice"],
    publish: DEPT,
    adjust: DEPT,
    "adjust.approve": ["chengguan", "hqoffice"],
    lift: DEPT, // 转发预警解除按上述同等权限执行
    "lift.approve": ["chengguan", "hqoffice"],
    release: PUBLISHER,
  } satisfies Partial<Record<Cell, User[]>>;
  return {
    local: {
      blue: ownBlueYellow,
      yellow: ownBlueYellow,
      orange: {
        propose: DEPT, // 向区应急办（区突发事件预警信息发布中心）提出预警建议
        submit: PUBLISHER, // 由区应急办（区突发事件预警信息发布中心）分别报请
        // 区应急委主管或主要领导批准: 主管 = 主管应急工作 (§2.1.1), any deputy director, no portfolio needed
        approve: ["deputy", "director"],
        reject: ["deputy", "director"],
        publish: PUBLISHER, // 区应急办（或授权单位，见下一个测试）发布和解除
        adjust: PUBLISHER,
        "adjust.approve": ["deputy", "director"],
        lift: PUBLISHER,
        release: PUBLISHER,
      },
      red: {
        propose: DEPT,
        submit: PUBLISHER, // 由区应急办（区突发事件预警信息发布中心）报请
        approve: ["director"], // 区应急委主任批准
        reject: ["director"],
        publish: PUBLISHER, // 由区应急办负责发布和解除
        adjust: PUBLISHER,
        "adjust.approve": ["director"],
        lift: PUBLISHER,
        release: PUBLISHER,
      },
    },
    relayed: {
      blue: relayedBlueYellow,
      yellow: relayedBlueYellow,
      orange: {
        propose: [],
        submit: [],
        approve: ["leader"], // 报区主管领导后直接转发
        reject: ["leader"],
        publish: DEPT,
        adjust: DEPT,
        "adjust.approve": ["leader"],
        lift: DEPT,
        "lift.approve": ["leader"],
        release: PUBLISHER,
      },
      red: {
        propose: [],
        submit: PUBLISHER, // 由区应急办（区突发事件预警信息发布中心）报区应急委主任
        approve: ["director"], // …后直接转发
        reject: ["director"],
        publish: PUBLISHER,
        adjust: PUBLISHER,
        "adjust.approve": ["director"],
        lift: PUBLISHER,
        "lift.approve": ["director"],
        release: PUBLISHER,
      },
    },
  };
})();

/** 002 §4.2 as plans/luolong.yaml reads it, for a 群体性治安事件 (区政法委 leads) drafted by its staff. */
const LUOLONG: Table = (() => {
  const relayed = {
    propose: [],
    submit: [],
    approve: ["office"], // 区应急办主任签发
    reject: ["office"],
    publish: OFFICE,
    adjust: [], // the profile has no adjust rule for relayed warnings
    lift: OFFICE,
    release: OFFICE,
  } satisfies Partial<Record<Cell, User[]>>;
  const cityPublishes = {
    propose: ["hqoffice", "office"],
    submit: [],
    approve: ["director"], // 由区人民政府报市人民政府
    reject: ["director"],
    publish: [], // 市人民政府统一发布: nobody in the district
    adjust: [],
    lift: [],
    release: OFFICE,
  } satisfies Partial<Record<Cell, User[]>>;
  return {
    local: {
      blue: {
        propose: ["chengguan_staff", "jianwai", "office_staff"],
        submit: [],
        approve: ["chengguan", "jianwai", "office"],
        reject: ["chengguan", "jianwai", "office"],
        publish: [...DEPT, "jianwai", ...OFFICE],
        adjust: DEPT, // 原发布单位
        lift: DEPT,
        release: OFFICE,
      },
      yellow: {
        propose: ["chengguan", "hqoffice"],
        submit: [],
        approve: ["director"],
        reject: ["director"],
        publish: OFFICE,
        adjust: OFFICE,
        lift: OFFICE,
        release: OFFICE,
      },
      orange: cityPublishes,
      red: cityPublishes,
    },
    relayed: { blue: relayed, yellow: relayed, orange: relayed, red: relayed },
  };
})();

interface Scenario {
  plan: string;
  table: Table;
  subtypeId: string;
  issuingUnitId: string;
  /** The area: the street of the demo street account. */
  divisionCodes: (s: TestServer) => Promise<string[]>;
}

const streetOfJianwai = async (s: TestServer) => [
  (await findUserByUsername(s.ctx.db, "jianwai"))?.unit_id ?? "",
];

const SCENARIOS: Scenario[] = [
  {
    plan: "chaoyang-2022",
    table: CHAOYANG,
    subtypeId: "gas",
    issuingUnitId: "dept-chengguan",
    divisionCodes: streetOfJianwai,
  },
  {
    plan: "luolong",
    table: LUOLONG,
    subtypeId: "mass_incident",
    issuingUnitId: "dept-politics-law",
    divisionCodes: streetOfJianwai,
  },
];

for (const scenario of SCENARIOS) {
  describe(`warning authority matrix — ${scenario.plan}`, () => {
    const clock = new ManualClock("2026-11-27T02:00:00Z");
    let server: TestServer;
    const clients = new Map<User, ApiClient>();
    const actors = new Map<User, Actor>();
    const issuingUnitId = scenario.issuingUnitId;
    let divisionCodes: string[];

    beforeAll(async () => {
      server = await startTestServer({ plan: scenario.plan, clock });
      divisionCodes = await scenario.divisionCodes(server);
      for (const u of USERS) {
        clients.set(u, await server.login(u));
        const row = await findUserByUsername(server.ctx.db, u);
        actors.set(u, { id: row?.id ?? null, name: row?.display_name ?? u, unitId: row?.unit_id ?? "" });
      }
    }, 120_000);
    afterAll(() => server.close());

    it("covers every origin × colour × action rule the profile defines", () => {
      const profile = server.ctx.plan.profile;
      for (const origin of ["local", "relayed"] as const) {
        for (const colour of ["blue", "yellow", "orange", "red"] as const) {
          const row = scenario.table[origin][colour];
          for (const action of ["propose", "approve", "publish", "adjust", "lift"] as const) {
            const rule = warningAuthority(profile, origin, colour, action);
            const expected = row[action];
            expect(expected, `${origin}/${colour}/${action}`).toBeDefined();
            if (!rule) {
              expect(expected, `${origin}/${colour}/${action}: profile has no rule`).toEqual([]);
            }
          }
          const adjust = warningAuthority(profile, origin, colour, "adjust");
          expect(row["adjust.approve"] !== undefined, `${origin}/${colour}/adjust.approve`).toBe(
            (adjust?.approvedBy?.length ?? 0) > 0,
          );
          const approve = warningAuthority(profile, origin, colour, "approve");
          expect(row.submit, `${origin}/${colour}/submit`).toEqual(
            (approve?.via?.length ?? 0) > 0 ? expect.anything() : [],
          );
          const lift = warningAuthority(profile, origin, colour, "lift");
          expect(row["lift.approve"] !== undefined, `${origin}/${colour}/lift.approve`).toBe(
            (lift?.approvedBy?.length ?? 0) > 0,
          );
        }
      }
    });

    /** A warning in the state the cell's action needs, made through the real commands. */
    async function prepare(origin: WarningOrigin, colour: WarningColour, cell: Cell): Promise<string> {
      clock.advance(1000);
      const profile = server.ctx.plan.profile;
      const drafter = actors.get("chengguan_staff") as Actor;
      const approver: Actor = { id: null, name: "测试审批人", unitId: "committee" };
      const sys = { id: "matrix" };
      const body = draftBody({
        origin,
        colour,
        subtypeId: scenario.subtypeId,
        issuingUnitId,
        area: { divisionCodes, features: scenario.plan === "chaoyang-2022" ? [CBD_SQUARE] : [] },
      }) as Parameters<typeof createWarning>[3];
      const id = await runCommand(server.ctx, sys, (scope) =>
        createWarning(server.ctx, scope, drafter, body),
      );
      const step = async (fn: Parameters<typeof runCommand<void>>[2]) => runCommand(server.ctx, sys, fn);
      const fresh = (scope: { trx: Parameters<typeof getWarning>[0] }) => getWarning(scope.trx, id);
      if (cell === "propose") {
        return id;
      }
      if (needsProposal(profile, origin, colour)) {
        await step(async (s) => proposeWarning(server.ctx, s, drafter, await fresh(s), undefined));
      }
      if (cell === "submit") {
        return id;
      }
      await step(async (s) => {
        const w = await fresh(s);
        if (needsSubmission(profile, factsOf(w))) {
          await submitWarning(server.ctx, s, SYSTEM_ACTOR, w, undefined);
        }
      });
      if (cell === "approve" || cell === "reject") {
        return id;
      }
      await step(async (s) => approveWarning(server.ctx, s, approver, await fresh(s), undefined, false));
      if (cell === "publish") {
        return id;
      }
      await step(async (s) => publishWarning(server.ctx, s, SYSTEM_ACTOR, await fresh(s), ["inApp"], false));
      if (cell === "release") {
        await step(async (s) => {
          const w = await fresh(s);
          await s.trx
            .updateTable("warnings")
            .set({ public_state: "requested" })
            .where("id", "=", w.id)
            .execute();
        });
      }
      if (cell === "adjust.approve") {
        await step(async (s) => {
          await adjustWarning(server.ctx, s, SYSTEM_ACTOR, await fresh(s), {
            reason: "测试",
            changes: { title: "调整后的标题" },
          });
        });
      }
      if (cell === "lift.approve") {
        await step(async (s) => {
          await liftWarning(server.ctx, s, SYSTEM_ACTOR, await fresh(s), "测试");
        });
      }
      return id;
    }

    async function attempt(user: User, cell: Cell, id: string) {
      const client = clients.get(user) as ApiClient;
      const [path, body] = ((): [string, unknown] => {
        switch (cell) {
          case "propose":
            return ["propose", {}];
          case "submit":
            return ["submit", {}];
          case "approve":
          case "adjust.approve":
          case "lift.approve":
            return ["approve", {}];
          case "reject":
            return ["reject", { reason: "矩阵测试退回" }];
          case "publish":
            return ["publish", { channels: ["inApp"] }];
          case "adjust":
            return ["adjust", { reason: "矩阵测试", changes: { title: "矩阵测试调整" } }];
          case "lift":
            return ["lift", { reason: "矩阵测试解除" }];
          case "release":
            return ["release", {}];
        }
      })();
      return client.post<Problem>(`/api/warnings/${id}/${path}`, body);
    }

    for (const origin of ["local", "relayed"] as const) {
      for (const colour of ["blue", "yellow", "orange", "red"] as const) {
        it(`${origin} ${colour}: every role × action`, async () => {
          const row = scenario.table[origin][colour];
          const outcomes: string[] = [];
          const expected: string[] = [];
          for (const cell of CELLS) {
            const allowed = row[cell];
            if (allowed === undefined) {
              continue;
            }
            const shared = await prepare(origin, colour, cell);
            for (const user of USERS) {
              const may = allowed.includes(user);
              const id = may ? await prepare(origin, colour, cell) : shared;
              const res = await attempt(user, cell, id);
              outcomes.push(`${cell} ${user} ${res.status}`);
              expected.push(`${cell} ${user} ${may ? 200 : 403}`);
              if (!may && res.status === 403) {
                expect(res.body.detail.length, `${cell} ${user}`).toBeGreaterThan(0);
              }
            }
          }
          expect(outcomes).toEqual(expected);
        }, 120_000);
      }
    }

    if (scenario.plan === "chaoyang-2022") {
      it("an orange warning is published and lifted by a unit the office authorised (000 §3.3.1 第2项 授权)", async () => {
        const id = await prepare("local", "orange", "publish");
        const staff = clients.get("chengguan_staff") as ApiClient;
        const before = await staff.post<Problem>(`/api/warnings/${id}/publish`, { channels: ["inApp"] });
        expect(before.status).toBe(403);
        expect(before.body.needed).toEqual([
          "区应急办（区突发事件预警信息发布中心）",
          "经授权的区专项应急指挥部办公室",
          "经授权的区相关部门",
        ]);
        expect(
          (await staff.post<Problem>(`/api/warnings/${id}/authorise`, { unitIds: ["dept-chengguan"] }))
            .status,
        ).toBe(403);
        const office = clients.get("office") as ApiClient;
        expect(
          (await office.post(`/api/warnings/${id}/authorise`, { unitIds: ["dept-chengguan"] })).status,
        ).toBe(200);
        const published = await staff.post<{ status: string; publicState: string }>(
          `/api/warnings/${id}/publish`,
          {
            channels: ["inApp", "public"],
          },
        );
        expect(published.status).toBe(200);
        // The authorised department publishes; society is still the office's (第8项).
        expect(published.body.publicState).toBe("requested");
        expect((await staff.post(`/api/warnings/${id}/lift`, { reason: "危险解除" })).status).toBe(200);
      });
    }
  });
}
