/** Roles a user can hold. Authority for each action comes from the plan profile, which refers to these. */
export const ROLES = [
  "admin",
  "duty_officer",
  "office_staff",
  "office_director",
  "dept_staff",
  "dept_head",
  "hq_office_head",
  "district_leader",
  "committee_deputy_director",
  "committee_director",
  "street_staff",
  "commander",
] as const;

export type Role = (typeof ROLES)[number];

/** Chinese labels shown in the UI and in 403 messages. */
export const ROLE_LABELS: Record<Role, string> = {
  admin: "系统管理员",
  duty_officer: "值班员（总值班室）",
  office_staff: "区应急办工作人员",
  office_director: "区应急办主任",
  dept_staff: "部门工作人员",
  dept_head: "部门负责人",
  hq_office_head: "专项指挥部办公室负责人",
  district_leader: "分管区领导",
  committee_deputy_director: "区应急委副主任",
  committee_director: "区应急委主任",
  street_staff: "街道（乡）工作人员",
  commander: "现场指挥长",
};

/** Org unit kinds in the organisation tree (DESIGN §4). */
export const ORG_UNIT_TYPES = [
  "committee",
  "office",
  "duty_room",
  "special_hq",
  "department",
  "key_area",
  "street",
  "township",
  "community",
  "village",
  "external",
] as const;

export type OrgUnitType = (typeof ORG_UNIT_TYPES)[number];

export const ORG_UNIT_TYPE_LABELS: Record<OrgUnitType, string> = {
  committee: "应急委",
  office: "应急办",
  duty_room: "总值班室",
  special_hq: "专项应急指挥部",
  department: "部门",
  key_area: "重点地区",
  street: "街道",
  township: "地区（乡）",
  community: "社区",
  village: "村",
  external: "上级及外部单位",
};
