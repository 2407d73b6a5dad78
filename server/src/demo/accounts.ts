import type { Role } from "../../../shared/roles.js";
import type { OrgFile } from "../modules/org/index.js";

export interface DemoAccount {
  username: string;
  displayName: string;
  roles: Role[];
  unitId: string;
  categories?: string[];
}

/**
 * Departments whose people the common workflows need (issue 13): 暴雨/防汛 warnings and teams (水务/
 * 水利), weather warnings (气象), public-health events (卫生健康), social-security events (公安), and
 * the carrying-out of Luolong's supply requisitions (发改, 002 §5.4.4 (8)). The first unit id the
 * org file has is used; a department the district does not have gets no account.
 */
const DEPARTMENTS: { key: string; unitIds: string[]; head: string; staff?: string }[] = [
  { key: "water", unitIds: ["dept-water"], head: "钱江", staff: "孔雨" },
  { key: "weather", unitIds: ["dept-meteorology"], head: "卫云", staff: "蒋晴" },
  { key: "health", unitIds: ["dept-health"], head: "沈康", staff: "韩宁" },
  { key: "police", unitIds: ["dept-police", "dept-police-luolong"], head: "杨毅", staff: "朱安" },
  { key: "reform", unitIds: ["dept-development-reform"], head: "秦丰" },
];

/** One district leader per category (分管区领导); `leader` keeps 事故灾难 (issue 2). */
const LEADERS: { keyword: string; username: string; name: string }[] = [
  { keyword: "自然", username: "leader_nature", name: "分管区领导（自然灾害） 许峰" },
  { keyword: "卫生", username: "leader_health", name: "分管区领导（公共卫生） 曹宁" },
  { keyword: "社会", username: "leader_security", name: "分管区领导（社会安全） 彭辉" },
];

const unitName = (org: OrgFile, id: string) => {
  const u = org.units.find((x) => x.id === id);
  return u?.short ?? u?.name ?? id;
};

/**
 * The demo accounts: the twelve of issue 2 (usernames, roles, units and categories unchanged, many
 * tests use them) and, from issue 13, enough people that every workflow of the profile can be
 * finished: heads and staff of the departments above, a district leader in charge of each category,
 * a committee deputy director in charge of two, and the head of every special HQ's office (one per
 * department hosting HQ offices, 000 §2.1.5). Units are looked up in the org file, so the same demo
 * works for any plan (Luolong has no special HQs and other departments).
 */
export function demoAccounts(
  org: OrgFile,
  firstStreetId: string | undefined,
  categories: string[],
): DemoAccount[] {
  const byType = (type: string) => org.units.find((u) => u.type === type)?.id;
  const has = (id: string) => org.units.some((u) => u.id === id);
  const committee = byType("committee") ?? "committee";
  const office = byType("office") ?? committee;
  const dutyRoom = byType("duty_room") ?? office;
  const chengguan = org.units.find((u) => u.id === "dept-chengguan")?.id ?? byType("department") ?? office;
  const hqOfChengguan = org.units.find((u) => u.type === "special_hq" && u.officeIn === chengguan);
  const street = org.divisions?.area === "110105" ? "110105001" : (firstStreetId ?? office);
  const category = (word: string) => categories.find((c) => c.includes(word));
  const accidents = category("事故") ?? categories[0];
  const accounts: DemoAccount[] = [
    { username: "admin", displayName: "系统管理员", roles: ["admin"], unitId: office },
    { username: "duty", displayName: "值班员 王明", roles: ["duty_officer"], unitId: dutyRoom },
    { username: "office_staff", displayName: "应急办 李静", roles: ["office_staff"], unitId: office },
    { username: "office", displayName: "应急办主任 张建国", roles: ["office_director"], unitId: office },
    { username: "chengguan", displayName: "城管委负责人 刘强", roles: ["dept_head"], unitId: chengguan },
    { username: "chengguan_staff", displayName: "城管委 赵敏", roles: ["dept_staff"], unitId: chengguan },
    {
      username: "hqoffice",
      displayName: `${hqOfChengguan?.short ?? "专项指挥部"}办公室 陈立`,
      roles: ["hq_office_head"],
      unitId: chengguan,
    },
    {
      username: "leader",
      displayName: "分管区领导 孙伟",
      roles: ["district_leader"],
      unitId: committee,
      ...(accidents ? { categories: [accidents] } : {}),
    },
    {
      username: "deputy",
      displayName: "区应急委副主任 周涛",
      roles: ["committee_deputy_director"],
      unitId: committee,
    },
    {
      username: "director",
      displayName: "区应急委主任 吴刚",
      roles: ["committee_director"],
      unitId: committee,
    },
    { username: "jianwai", displayName: "建外街道 郑丽", roles: ["street_staff"], unitId: street },
    { username: "commander", displayName: "现场指挥长 何勇", roles: ["commander"], unitId: office },
  ];

  for (const d of DEPARTMENTS) {
    const unitId = d.unitIds.find(has);
    if (unitId === undefined) {
      continue;
    }
    const name = unitName(org, unitId);
    accounts.push({
      username: d.key,
      displayName: `${name}负责人 ${d.head}`,
      roles: ["dept_head"],
      unitId,
    });
    if (d.staff) {
      accounts.push({
        username: `${d.key}_staff`,
        displayName: `${name} ${d.staff}`,
        roles: ["dept_staff"],
        unitId,
      });
    }
  }

  for (const l of LEADERS) {
    const c = category(l.keyword);
    if (c !== undefined && c !== accidents) {
      accounts.push({
        username: l.username,
        displayName: l.name,
        roles: ["district_leader"],
        unitId: committee,
        categories: [c],
      });
    }
  }

  // 000 §3.3.1 第2项 orange warnings: “区应急委主管领导” — a deputy director with a portfolio.
  const portfolio = [category("自然"), accidents].filter((c): c is string => c !== undefined);
  if (portfolio.length > 0) {
    accounts.push({
      username: "deputy_incharge",
      displayName: `区应急委副主任（分管${portfolio.join("、")}） 林海`,
      roles: ["committee_deputy_director"],
      unitId: committee,
      categories: [...new Set(portfolio)],
    });
  }

  // Every special HQ's office has a head (000 §2.1.5); 区城管委's two are `hqoffice`'s.
  const hosts = [
    ...new Set(org.units.flatMap((u) => (u.type === "special_hq" && u.officeIn ? [u.officeIn] : []))),
  ];
  for (const host of hosts) {
    if (host === chengguan) {
      continue;
    }
    accounts.push({
      username: `hqoffice_${host.replace(/^dept-/, "").replaceAll("-", "_")}`,
      displayName: `${unitName(org, host)}（专项指挥部办公室）负责人`,
      roles: ["hq_office_head"],
      unitId: host,
    });
  }
  return accounts;
}
