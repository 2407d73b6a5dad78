import { readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../config.js";

/** Seed documents shipped with the profiles (plans/sources/<doc>.txt), so rules link to their text. */
const SOURCES_DIR = path.join(REPO_ROOT, "plans", "sources");

// "4.1  信息报告", "[bookmark: _Toc…]2.1.4 区专项应急指挥机构", "1.6　 应急预案体系"
const HEADING = /^(?:\[bookmark:[^\]]*\])*\s*(\d+(?:\.\d+)*)[\s\u3000]+(\S.*)$/;

export interface SourceSection {
  doc: string;
  section: string;
  title: string;
  text: string;
}

const cache = new Map<string, string[]>();

function linesOf(doc: string): string[] | undefined {
  if (!/^\d{3}$/.test(doc)) {
    return undefined;
  }
  let lines = cache.get(doc);
  if (!lines) {
    try {
      lines = readFileSync(path.join(SOURCES_DIR, `${doc}.txt`), "utf8").split(/\r?\n/);
    } catch {
      return undefined;
    }
    cache.set(doc, lines);
  }
  return lines;
}

const isWithin = (id: string, section: string) => id === section || id.startsWith(`${section}.`);

/**
 * The text of one numbered section of a seed, up to the next heading that is not inside it.
 * `ref` is a profile source reference such as "000 §4.1" or "000 §2.1.4, §2.1.5" (first section wins).
 */
export function sourceSection(ref: string, maxChars = 8000): SourceSection | undefined {
  const match = /^(\d{3})\s*§\s*(\d+(?:\.\d+)*)/.exec(ref.trim());
  if (!match?.[1] || !match[2]) {
    return undefined;
  }
  const [doc, section] = [match[1], match[2]];
  const lines = linesOf(doc);
  if (!lines) {
    return undefined;
  }
  const start = lines.findIndex((l) => HEADING.exec(l)?.[1] === section);
  if (start < 0) {
    return undefined;
  }
  const heading = HEADING.exec(lines[start] ?? "");
  const body: string[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const id = HEADING.exec(line)?.[1];
    if (id !== undefined && !isWithin(id, section)) {
      break;
    }
    body.push(line.replace(/^(?:\[bookmark:[^\]]*\])+/, ""));
  }
  const text = body.join("\n").trim();
  return {
    doc,
    section,
    title: heading?.[2]?.trim() ?? "",
    text: text.length > maxChars ? `${text.slice(0, maxChars)}…` : text,
  };
}
