/** Shared helpers of the warnings tests (not a test file itself). */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../../config.js";

const run = promisify(execFile);

// The CAP 1.2 schema and the public oasiscap test messages ship in standards/ (copied from shared/).
export const CAP_XSD = path.join(REPO_ROOT, "standards/cap-1.2.xsd");
export const CAP_EXAMPLES = path.join(REPO_ROOT, "standards/cap-examples");

/** A square around the CBD (建外街道), inside Chaoyang. */
export const CBD_SQUARE = {
  type: "Feature" as const,
  properties: { label: "国贸周边" },
  geometry: {
    type: "Polygon" as const,
    coordinates: [
      [
        [116.45, 39.9],
        [116.48, 39.9],
        [116.48, 39.93],
        [116.45, 39.93],
        [116.45, 39.9],
      ],
    ],
  },
};

export const JIANWAI = "110105001";
export const WANGJING = "110105026";

/** A complete local draft (燃气事故, lead 区城管委, category 事故灾难) — override what a test varies. */
export function draftBody(overrides: Record<string, unknown> = {}) {
  return {
    colour: "yellow",
    subtypeId: "gas",
    title: "建外街道燃气管网压力异常黄色预警",
    onsetAt: "2026-11-27T12:00:00+08:00",
    expiresAt: "2026-11-28T12:00:00+08:00",
    content: {
      precautions: "建外街道部分燃气管网压力异常，可能发生泄漏",
      situation: "区城管委已派抢修队伍排查，压力仍在波动",
      governmentMeasures: "关闭相关阀门，组织抢修，疏导交通",
      publicAdvice: "闻到燃气味请勿开关电器，立即开窗并撤离，拨打 96777",
      hotline: "010-96777",
    },
    area: { divisionCodes: [JIANWAI], features: [CBD_SQUARE] },
    ...overrides,
  };
}

/** Validates CAP XML against the OASIS XSD with xmllint (libxml2-utils), as the issue requires. */
export async function xmllint(xml: string): Promise<{ ok: boolean; output: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cap-"));
  const file = path.join(dir, "alert.xml");
  fs.writeFileSync(file, xml);
  try {
    const r = await run("xmllint", ["--noout", "--schema", CAP_XSD, file]);
    return { ok: true, output: `${r.stdout}${r.stderr}` };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
