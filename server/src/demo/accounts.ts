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
 * One demo account per role (issue 2 names the usernames). Units are looked up by kind so the
 * same demo works for any plan's org file; Chaoyang's 区城管委 and 建外街道 are used where present.
 */
export function demoAccounts(
  org: OrgFile,
  firstStreetId: string | undefined,
  categories: string[],
): DemoAccount[] {
  const byType = (type: string) => org.units.find((u) => u.type === type)?.id;
  const committee = byType("committee") ?? "committee";
  const office = byType("office") ?? committee;
  const dutyRoom = byType("duty_room") ?? office;
  const chengguan = org.units.find((u) => u.id === "dept-chengguan")?.id ?? byType("department") ?? office;
  const hqOfChengguan = org.units.find((u) => u.type === "special_hq" && u.officeIn === chengguan);
  const street = org.divisions?.area === "110105" ? "110105001" : (firstStreetId ?? office);
  const accidents = categories.find((c) => c.includes("事故")) ?? categories[0];
  return [
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
}
