/** Chinese labels of the response vocabularies for documents and timeline text. */
export const CHECKIN_KIND_LABELS: Record<string, string> = {
  team: "队伍",
  supplies: "物资",
  equipment: "装备",
  expert: "专家",
  other: "其他",
};

export const CORDON_KIND_LABELS: Record<string, string> = {
  core: "核心封控线",
  safety: "安全封控线",
  alert_zone: "警戒区",
  traffic: "交通管制线",
};
