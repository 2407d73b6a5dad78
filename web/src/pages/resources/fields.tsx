import { DatePicker, Input, InputNumber, Select, Tag, Typography } from "antd";
import dayjs from "dayjs";
import type { ReactNode } from "react";
import { PHONE_PATTERN } from "../../../../shared/resources.js";
import { UnitSelect } from "../../components/UnitSelect.js";
import type { FieldDescription, ResourceRecord } from "./api.js";

const phoneRe = new RegExp(PHONE_PATTERN);

/** How a field's value reads in a table or a detail list. */
export function renderValue(f: FieldDescription, value: unknown, record?: ResourceRecord): ReactNode {
  if (value === null || value === undefined || value === "") {
    return <Typography.Text type="secondary">—</Typography.Text>;
  }
  if (f.type === "unit") {
    return record?.ownerUnitName ?? String(value);
  }
  if (f.type === "enum") {
    const label = f.options?.find((o) => o.value === value)?.label ?? String(value);
    return <Tag color={enumColour(f.key, String(value))}>{label}</Tag>;
  }
  if (f.type === "list" && Array.isArray(value)) {
    return (
      <span className="fh-res-tags">
        {value.map((v) => (
          <Tag key={String(v)}>{f.options?.find((o) => o.value === v)?.label ?? String(v)}</Tag>
        ))}
      </span>
    );
  }
  if (f.type === "number" || f.type === "int") {
    return Number(value).toLocaleString("zh-CN");
  }
  return String(value);
}

/** Colours that carry meaning at a glance: green ready, orange busy, red unusable. */
function enumColour(key: string, value: string): string | undefined {
  if (key === "status" || key === "availability" || key === "condition") {
    return (
      {
        available: "green",
        open: "green",
        good: "green",
        deployed: "orange",
        busy: "orange",
        maintenance: "orange",
        resting: "blue",
        unavailable: "red",
        broken: "red",
        closed: "default",
      } as Record<string, string>
    )[value];
  }
  return undefined;
}

/** antd form rules from the server's field description (the server checks the same again). */
export function fieldRules(f: FieldDescription, requiredMessage: string) {
  const rules: {
    required?: boolean;
    message?: string;
    validator?: (_: unknown, v: unknown) => Promise<void>;
  }[] = [];
  if (f.required && f.key !== "code") {
    rules.push({ required: true, message: requiredMessage });
  }
  if (f.type === "phone") {
    rules.push({
      validator: (_: unknown, v: unknown) =>
        v === undefined || v === null || v === "" || phoneRe.test(String(v))
          ? Promise.resolve()
          : Promise.reject(new Error("电话号码格式不正确（手机 11 位，或座机如 010-65099000）")),
    });
  }
  return rules;
}

/** The input widget for a field. */
export function fieldInput(
  f: FieldDescription,
  placeholders: { list: string; unit: string },
  initialUnit?: { id: string; name: string },
): ReactNode {
  switch (f.type) {
    case "enum":
      return <Select allowClear={!f.required} options={f.options ?? []} aria-label={f.label} />;
    case "list":
      return f.options ? (
        <Select mode="multiple" allowClear options={f.options} aria-label={f.label} />
      ) : (
        <Select
          mode="tags"
          allowClear
          tokenSeparators={[",", "，", "、"]}
          placeholder={placeholders.list}
          aria-label={f.label}
          open={false}
          suffixIcon={null}
        />
      );
    case "int":
    case "number":
      return (
        <InputNumber
          style={{ width: "100%" }}
          min={f.min ?? undefined}
          max={f.max ?? undefined}
          precision={f.type === "int" ? 0 : undefined}
          aria-label={f.label}
        />
      );
    case "lat":
    case "lng":
      return <InputNumber style={{ width: "100%" }} step={0.0001} precision={6} aria-label={f.label} />;
    case "unit":
      return <UnitSelect placeholder={placeholders.unit} initial={initialUnit} />;
    case "date":
      return <DateInput />;
    default:
      return f.type === "text" && f.max && f.max > 500 ? (
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={f.max} aria-label={f.label} />
      ) : (
        <Input maxLength={f.max ?? undefined} aria-label={f.label} />
      );
  }
}

/** A date field whose value is the "YYYY-MM-DD" string the API uses. */
function DateInput({ value, onChange }: { value?: string | null; onChange?: (v: string | null) => void }) {
  return (
    <DatePicker
      style={{ width: "100%" }}
      value={value ? dayjs(value) : null}
      onChange={(d) => onChange?.(d ? d.format("YYYY-MM-DD") : null)}
    />
  );
}
