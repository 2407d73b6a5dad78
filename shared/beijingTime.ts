/**
 * Times as the district reads them: Beijing time (Asia/Shanghai, UTC+8, no daylight saving since
 * 1991), whatever the server's or browser's zone. Inputs are instants (ISO 8601 with an offset, or Date).
 */
const OFFSET_MS = 8 * 3_600_000;

const pad = (n: number) => String(n).padStart(2, "0");

function shifted(at: Date | string): Date {
  return new Date(new Date(at).getTime() + OFFSET_MS);
}

/** `2026-07-01T08:00:00+08:00`: ISO 8601 with the offset written out (CAP 1.2 forbids `Z`). */
export function beijingIso(at: Date | string): string {
  return `${shifted(at).toISOString().slice(0, 19)}+08:00`;
}

/** `2026年3月4日 03时05分`, as reports and documents write it. */
export function beijingChinese(at: Date | string): string {
  const d = shifted(at);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}时${pad(d.getUTCMinutes())}分`;
}

/** `11:10`. Arithmetic, not Date objects: a sweep after a long outage names 100,000 deadlines. */
export function beijingClock(iso: string): string {
  const ms = Date.parse(iso) + OFFSET_MS;
  return `${pad(Math.floor(ms / 3_600_000) % 24)}:${pad(Math.floor(ms / 60_000) % 60)}`;
}
