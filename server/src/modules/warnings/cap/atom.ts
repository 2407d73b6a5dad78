/** Atom feed (RFC 4287) of the current public warnings, one entry per warning linking its CAP message. */
import { escapeXml } from "./export.js";

export interface AtomEntry {
  warningId: string;
  identifier: string;
  title: string;
  summary: string;
  updated: string;
  colourName: string;
  capUrl: string;
  pageUrl: string;
}

export function buildAtom(feed: {
  /** atom:id, an absolute IRI that does not change (RFC 4287 §4.2.6). */
  id: string;
  title: string;
  selfUrl: string;
  updated: string;
  entries: AtomEntry[];
}): string {
  const entries = feed.entries
    .map(
      (e) => `  <entry>
    <id>urn:cap:${escapeXml(e.identifier)}</id>
    <title>${escapeXml(e.title)}</title>
    <updated>${escapeXml(e.updated)}</updated>
    <category term="${escapeXml(e.colourName)}"/>
    <summary>${escapeXml(e.summary)}</summary>
    <link rel="alternate" type="application/cap+xml" href="${escapeXml(e.capUrl)}"/>
    <link rel="related" type="text/html" href="${escapeXml(e.pageUrl)}"/>
  </entry>
`,
    )
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
  <id>${escapeXml(feed.id)}</id>
  <title>${escapeXml(feed.title)}</title>
  <updated>${escapeXml(feed.updated)}</updated>
  <author><name>${escapeXml(feed.title)}</name></author>
  <link rel="self" type="application/atom+xml" href="${escapeXml(feed.selfUrl)}"/>
${entries}</feed>
`;
}
