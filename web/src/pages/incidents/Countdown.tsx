import { Tag } from "antd";
import { useTranslation } from "react-i18next";
import { DEADLINE_NEAR_MINUTES } from "../../../../shared/incidents.js";
import type { Deadline } from "./api.js";

function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, "0");
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export type Urgency = "ok" | "near" | "past" | "done";

/** Green while there is time, amber within 5 minutes of the deadline, red past it. */
export function urgencyOf(d: Deadline, now: number): Urgency {
  if (d.state === "met" || d.state === "cancelled") {
    return "done";
  }
  const left = new Date(d.dueAt).getTime() - now;
  if (d.state === "overdue" || left < 0) {
    return "past";
  }
  return left <= DEADLINE_NEAR_MINUTES * 60_000 ? "near" : "ok";
}

/** A live countdown (or its outcome) for one deadline. */
export function Countdown({ deadline, now }: { deadline: Deadline; now: number }) {
  const { t } = useTranslation();
  const urgency = urgencyOf(deadline, now);
  const left = new Date(deadline.dueAt).getTime() - now;
  let text: string;
  if (deadline.state === "met") {
    text = deadline.lateMinutes
      ? t("incidents.late", { minutes: deadline.lateMinutes })
      : t("incidents.onTime");
  } else if (deadline.state === "cancelled") {
    text = t("incidents.stateLabels.cancelled");
  } else if (left < 0) {
    text = t("incidents.overdueFor", { time: clock(-left) });
  } else {
    text = t("incidents.remaining", { time: clock(left) });
  }
  const color = {
    ok: "blue",
    near: "gold",
    past: "red",
    done: deadline.lateMinutes ? "orange" : "green",
  }[urgency];
  return (
    <Tag color={color} className={`fh-countdown fh-countdown-${urgency}`} data-state={urgency}>
      {text}
    </Tag>
  );
}

/** The open deadline due soonest (overdue first), or undefined when nothing is owed. */
export function nextDeadline(deadlines: Deadline[]): Deadline | undefined {
  return deadlines
    .filter((d) => d.state === "pending" || d.state === "overdue")
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
}
