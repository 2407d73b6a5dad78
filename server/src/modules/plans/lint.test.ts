import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ROLES } from "../../../../shared/roles.js";
import { REPO_ROOT } from "../../config.js";
import { lintProfile, runPlanLint } from "./lint.js";
import { loadProfile, PlanProfileError, resolveProfilePath } from "./loader.js";

const testdata = (name: string) => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));
const show = (file: string) =>
  lintProfile(testdata(file)).map((p) => `[${p.severity}] ${p.path}: ${p.message}`);

describe("lintProfile", () => {
  it("the shipped Chaoyang profile lints clean", () => {
    expect(lintProfile(`${REPO_ROOT}/plans/chaoyang-2022.yaml`)).toEqual([]);
  });

  it("the minimal test profile lints clean (each broken file differs from it by one defect)", () => {
    expect(show("minimal.yaml")).toEqual([]);
  });

  const cases: [file: string, expected: string[]][] = [
    [
      "broken-schema.yaml",
      [
        "[error] taxonomy.categories[0].subtypes[1].source: 缺少必填字段",
        "[error] taxonomy.categories[0].subtypes[1].colour: 不允许的字段",
        "[error] warnings.colours[0].cap.severity: 取值必须是以下之一：Extreme、Severe、Moderate、Minor、Unknown",
      ],
    ],
    [
      "broken-unknown-role.yaml",
      [`[error] warnings.authority[1].approve.by[0].role: 取值必须是以下之一：${ROLES.join("、")}`],
    ],
    [
      "broken-admin-party.yaml",
      ["[error] warnings.authority[1].approve.by[0].role: 系统管理员不承担预案职责，不能作为预案参与方"],
    ],
    [
      "broken-duty-room.yaml",
      [
        "[error] warnings.authority[0].publish.by[0].excludesDutyRoom: excludesDutyRoom 只适用于区应急办（unit 为 office 类单位或 scope: emergency_office）",
      ],
    ],
    [
      "broken-dangling-org.yaml",
      [
        "[error] taxonomy.categories[0].subtypes[0].hq: 单位“dept-city”不是专项应急指挥部",
        "[error] taxonomy.categories[0].subtypes[1].lead[0]: 组织机构文件中不存在单位“dept-nowhere”",
        "[error] reporting.deadlines[1].to[0].unit: 组织机构文件中不存在单位“ext-nowhere”",
      ],
    ],
    [
      "broken-no-lead.yaml",
      ["[error] taxonomy.categories[0].subtypes[1].lead: 事件子类“燃气事故”没有主责部门"],
    ],
    [
      "broken-warning-authority.yaml",
      [
        "[error] warnings.authority: 本区黄色预警没有权限规则",
        "[error] warnings.authority[1]: 本区红色预警没有“批准”权限",
      ],
    ],
    [
      "broken-thresholds-overlap.yaml",
      ["[error] grading.criteria[0].levels[1].any[0].all[0]: “重大”与“较大”在指标“deaths”上的阈值区间重叠"],
    ],
    [
      "broken-thresholds-monotonic.yaml",
      [
        "[error] grading.criteria[0].levels[1].any[0].all[0]: 指标“deaths”的阈值随等级不单调：“重大”的区间低于“较大”",
      ],
    ],
    [
      "broken-unreachable-response.yaml",
      [
        "[error] response.levels[1].grades: 响应等级“Ⅱ级响应”没有对应任何事件等级，无法到达",
        "[warning] response.levels: 事件等级“general”没有对应的响应等级",
      ],
    ],
    [
      "broken-duplicate-ids.yaml",
      [
        "[error] taxonomy.categories[0].subtypes[1].id: 事件子类编号“fire”重复（首次出现于 taxonomy.categories[0].subtypes[0]）",
        "[error] response.levels[1].id: 响应等级编号“level_iii”重复（首次出现于 response.levels[0]）",
      ],
    ],
    [
      "broken-unknown-level.yaml",
      [
        "[error] reporting.deadlines[1].when[0].levelAtLeast: 未知的等级“huge”",
        "[error] response.levels[2].grades[3]: 未知的等级“catastrophic”",
        "[error] endOfResponse.declarers[0].levels[0]: 未知的等级“normal”",
      ],
    ],
    [
      "broken-org-file.yaml",
      [
        "[error] meta.orgFile→units[4].id: 单位编号“dept-city”重复（首次出现于 units[3]）",
        "[error] meta.orgFile→units[2].parent: 上级单位“dept-nowhere”不存在",
      ],
    ],
    [
      "broken-team-dispatch.yaml",
      [
        "[error] resources.teamDispatch[1].case: 队伍调派情形“own”重复（首次出现于 resources.teamDispatch[0]）",
        "[error] resources.teamDispatch[1].steps[0].by: 步骤“指挥调度”没有指定由谁办理",
        "[error] resources.teamDispatch: 队伍调派规则缺少“other_unit”情形（未单列的队伍均按它调派）",
      ],
    ],
    [
      "broken-yaml.yaml",
      [
        "[error] (第 19 行): YAML 语法错误：Flow sequence in block collection must be sufficiently indented and end with a ]",
        "[error] (第 19 行): YAML 语法错误：Flow map in block collection must be sufficiently indented and end with a }",
      ],
    ],
  ];
  it.each(cases)("%s", (file, expected) => {
    expect(show(file)).toEqual(expected);
  });
});

describe("runPlanLint", () => {
  it("prints `path: message` per problem and returns 1 on errors", () => {
    let out = "";
    const code = runPlanLint(testdata("broken-no-lead.yaml"), { write: (s: string) => (out += s) });
    expect(code).toBe(1);
    expect(out.split("\n")[0]).toBe(
      "taxonomy.categories[0].subtypes[1].lead: 事件子类“燃气事故”没有主责部门",
    );
  });

  it("returns 0 for a clean profile", () => {
    let out = "";
    expect(runPlanLint(`${REPO_ROOT}/plans/chaoyang-2022.yaml`, { write: (s: string) => (out += s) })).toBe(
      0,
    );
    expect(out).toContain("校验通过");
  });
});

describe("loadProfile", () => {
  it("resolves a name under plans/ and returns the profile with its org", () => {
    expect(resolveProfilePath("chaoyang-2022")).toBe(`${REPO_ROOT}/plans/chaoyang-2022.yaml`);
    const { profile, org } = loadProfile("chaoyang-2022");
    expect(profile.meta.id).toBe("chaoyang-2022");
    expect(org.district.code).toBe("110105");
  });

  it("throws PlanProfileError carrying every problem", () => {
    try {
      loadProfile(testdata("broken-duplicate-ids.yaml"));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PlanProfileError);
      expect((err as PlanProfileError).problems).toHaveLength(2);
    }
  });

  it("a warning alone does not stop loading", () => {
    expect(() => loadProfile(testdata("broken-unreachable-response.yaml"))).toThrow(PlanProfileError);
    expect(loadProfile(testdata("minimal.yaml")).warnings).toEqual([]);
  });
});
