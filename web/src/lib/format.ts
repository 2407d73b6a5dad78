/** Every time on screen is Beijing time, whatever the browser's own time zone (DESIGN §5). */
const SHANGHAI = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** "2026-03-04 03:05:09" in Asia/Shanghai; an unparsable value is shown as given. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) {
    return "";
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    SHANGHAI.formatToParts(date).find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}:${part("second")}`;
}

/** A wall-clock time typed in Beijing time ("2026-03-04T03:05") as an ISO instant with offset. */
export function shanghaiToIso(localDateTime: string): string {
  return `${localDateTime.length === 16 ? `${localDateTime}:00` : localDateTime}+08:00`;
}
