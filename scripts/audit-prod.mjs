#!/usr/bin/env node
// CI: known high/critical vulnerabilities in production dependencies fail the build. When the
// registry's advisory service cannot be reached (an offline mirror answers 405 to the bulk
// advisory endpoint), the check cannot run: say so loudly and go on, rather than block every landing.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Reads `npm audit --json` output: "vulnerable" (with counts), "clean", or "unavailable" (why). */
export function verdict(text) {
  let report;
  try {
    report = JSON.parse(text);
  } catch {
    return { kind: "unavailable", why: "npm audit 的输出不是 JSON" };
  }
  if (report.statusCode !== undefined || report.error !== undefined) {
    const status = report.statusCode ? `漏洞库返回 HTTP ${report.statusCode}` : undefined;
    return { kind: "unavailable", why: status ?? report.error?.code ?? "漏洞库不可达" };
  }
  const counts = report.metadata?.vulnerabilities;
  if (!counts) {
    return { kind: "unavailable", why: "npm audit 报告缺少 metadata.vulnerabilities" };
  }
  const serious = (counts.high ?? 0) + (counts.critical ?? 0);
  return serious > 0
    ? { kind: "vulnerable", high: counts.high ?? 0, critical: counts.critical ?? 0 }
    : { kind: "clean" };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const run = spawnSync("npm", ["audit", "--omit=dev", "--json"], { encoding: "utf8" });
  const v = verdict(run.stdout);
  if (v.kind === "vulnerable") {
    console.error(
      `生产依赖存在已知漏洞：高危 ${v.high}，严重 ${v.critical}（npm audit --omit=dev 查看详情）`,
    );
    process.exit(1);
  }
  if (v.kind === "unavailable") {
    console.warn(`警告：未能检查生产依赖的已知漏洞（${v.why}）`);
  } else {
    console.log("生产依赖：无已知高危或严重漏洞");
  }
}
