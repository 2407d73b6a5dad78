/** Test helpers of the incidents module: request bodies and small readers (used by tests only). */
import type { ApiClient } from "../../../../tests/support/server.js";

export interface DeadlineDto {
  id: string;
  ruleId: string;
  kind: string;
  name: string;
  round: number;
  dueAt: string;
  state: string;
  lateMinutes: number | null;
  escalatedAt: string | null;
  awaitingApproval: boolean;
  approvedByName: string | null;
  metBy: string | null;
}

export interface IncidentDto {
  id: string;
  number: string;
  title: string;
  level: string;
  levelConfirmed: boolean;
  status: string;
  subtypeId: string;
  leadDepartments: { id: string; name: string }[];
  suggestedLevel: { kind: string; level: string | null; reason: string };
  deadlines: DeadlineDto[];
  timeline: { type: string; summary: string; actorName: string | null; at: string }[];
  reports: { id: string; kind: string; documentUrl: string; addressees: string[]; metDeadlines: string[] }[];
  possibleDuplicates: { id: string; number: string; distanceM: number | null }[];
  mergedFrom: { id: string; number: string }[];
  allowedActions: string[];
}

/** A gas leak in 建外街道 (110105001), as a duty officer would register it. */
export function gasLeak(at: Date, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: "建外街道某小区燃气泄漏",
    subtypeId: "gas",
    occurredAt: new Date(at.getTime() - 5 * 60_000).toISOString(),
    receivedAt: at.toISOString(),
    sourceChannel: "96777",
    divisionCode: "110105001",
    address: "建国门外大街某小区3号楼",
    figures: { evacuated: 40 },
    description: "居民报告楼道内有明显燃气味，燃气集团抢修人员已出发。",
    ...overrides,
  };
}

/** Every required field of Chaoyang's profile (000 §4.1), filled. */
export function reportFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    time: "2026年11月27日 11时05分",
    place: "朝阳区建外街道建国门外大街某小区3号楼",
    info_source: "96777 燃气服务热线",
    cause: "初步判断为户内燃气管道接口松动",
    category: "事故灾难 / 燃气事故",
    casualties: "无人员伤亡",
    losses: "暂无",
    affected_area: "3号楼1单元，约40人",
    danger_level: "较低，已关阀",
    trend: "可控",
    secondary_disasters: "无爆燃风险",
    measures_taken: "关闭总阀、疏散居民、燃气集团抢修",
    signer: "张建国",
    provider: "区应急办 值班员 王明",
    contact: "010-85990000",
    ...overrides,
  };
}

export function deadline(incident: IncidentDto, ruleId: string, round = 1): DeadlineDto {
  const d = incident.deadlines.find((x) => x.ruleId === ruleId && x.round === round);
  if (!d) {
    throw new Error(`no deadline ${ruleId}#${round} in ${incident.deadlines.map((x) => x.ruleId).join(",")}`);
  }
  return d;
}

export async function getIncident(client: ApiClient, id: string): Promise<IncidentDto> {
  const res = await client.get<IncidentDto>(`/api/incidents/${id}`);
  if (res.status !== 200) {
    throw new Error(`GET incident ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body;
}
