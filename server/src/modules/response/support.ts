/** Test helpers of the response module: DTOs and small readers (used by tests only). */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ApiClient } from "../../../../tests/support/server.js";
import type { PostView, TaskView, WorkspaceView } from "./schema.js";

export type { PostView, TaskView, WorkspaceView };

export async function workspace(client: ApiClient, incidentId: string): Promise<WorkspaceView> {
  const res = await client.get<WorkspaceView>(`/api/incidents/${incidentId}/response`);
  if (res.status !== 200) {
    throw new Error(`workspace ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** Downloads a binary body (DOCX, PDF) with the client's session. */
export async function download(
  client: ApiClient,
  urlPath: string,
): Promise<{ status: number; type: string; body: Buffer }> {
  const res = await fetch(client.baseUrl + urlPath, {
    headers: client.cookie ? { cookie: client.cookie } : {},
  });
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    body: Buffer.from(await res.arrayBuffer()),
  };
}

/** The paragraphs of word/document.xml of a DOCX, as plain text (unzip ships with the CI image). */
export function docxText(buffer: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fenghuo-docx-"));
  const file = path.join(dir, "a.docx");
  try {
    fs.writeFileSync(file, buffer);
    return execFileSync("unzip", ["-p", file, "word/document.xml"], { maxBuffer: 64 * 1024 * 1024 }).toString(
      "utf8",
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The rows of every table of a DOCX, each row as its cells' text. */
export function docxTableRows(buffer: Buffer): string[][] {
  const xml = docxText(buffer);
  const rows: string[][] = [];
  for (const row of xml.match(/<w:tr[ >][\s\S]*?<\/w:tr>/g) ?? []) {
    const cells = (row.match(/<w:tc>[\s\S]*?<\/w:tc>/g) ?? []).map((c) =>
      (c.match(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g) ?? []).map((t) => t.replace(/<[^>]+>/g, "")).join(""),
    );
    rows.push(cells);
  }
  return rows;
}
