import { Tag } from "antd";
import { COLOUR_HEX } from "../../../../shared/warnings.js";
import { formatDateTime } from "../../lib/format.js";
import type { Colour } from "./api.js";

const TEXT_ON: Record<Colour, string> = { blue: "#fff", yellow: "#1f2937", orange: "#fff", red: "#fff" };

/** The colour of a warning as a solid badge: the colour name in its own colour, legible at night. */
export function ColourBadge({ colour, name }: { colour: Colour; name: string }) {
  return (
    <Tag
      className="fh-colour-badge"
      style={{ background: COLOUR_HEX[colour], color: TEXT_ON[colour], borderColor: COLOUR_HEX[colour] }}
      data-colour={colour}
    >
      {name}
    </Tag>
  );
}

const STATUS_COLOURS: Record<string, string> = {
  draft: "default",
  proposed: "processing",
  submitted: "geekblue",
  approved: "cyan",
  published: "error",
  lifted: "success",
  expired: "default",
};

export function StatusTag({ status, name }: { status: string; name: string }) {
  return <Tag color={STATUS_COLOURS[status] ?? "default"}>{name}</Tag>;
}

/** Beijing time to the minute ("2026-11-27 14:05"), whatever the browser's zone (DESIGN §5). */
export function when(iso: string | null | undefined): string {
  return iso ? formatDateTime(iso).slice(0, 16) : "—";
}

export function period(onset: string | null, expires: string | null): string {
  return `${when(onset)} — ${when(expires)}`;
}
