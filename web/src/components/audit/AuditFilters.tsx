import { AutoComplete, Button, DatePicker, Flex, Input } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { messages } from "../../i18n/index.js";
import { shanghaiToIso } from "../../lib/format.js";

export interface AuditQuery {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  from?: string;
  to?: string;
}

type Range = [Dayjs | null, Dayjs | null] | null;

/** Picked times are Beijing wall-clock times, whatever the browser's time zone. */
const toIso = (d: Dayjs | null | undefined) =>
  d ? shanghaiToIso(d.format("YYYY-MM-DDTHH:mm:ss")) : undefined;

function compact(q: AuditQuery): AuditQuery {
  return Object.fromEntries(Object.entries(q).filter(([, v]) => typeof v === "string" && v.trim() !== ""));
}

export function AuditFilters({ onSearch }: { onSearch(query: AuditQuery): void }) {
  const { t } = useTranslation();
  const [entityType, setEntityType] = useState("");
  const [entityId, setEntityId] = useState("");
  const [actorId, setActorId] = useState("");
  const [action, setAction] = useState("");
  const [range, setRange] = useState<Range>(null);
  const table = messages();

  const submit = () =>
    onSearch(
      compact({
        entityType: entityType.trim(),
        entityId: entityId.trim(),
        actorId: actorId.trim(),
        action: action.trim(),
        from: toIso(range?.[0]),
        to: toIso(range?.[1]),
      }),
    );
  const reset = () => {
    setEntityType("");
    setEntityId("");
    setActorId("");
    setAction("");
    setRange(null);
    onSearch({});
  };

  return (
    <Flex gap={8} wrap style={{ marginBottom: 16 }}>
      <AutoComplete
        style={{ width: 170 }}
        value={entityType}
        onChange={setEntityType}
        placeholder={t("audit.entityType")}
        aria-label={t("audit.entityType")}
        allowClear
        options={Object.entries(table.entityTypes).map(([value, label]) => ({
          value,
          label: `${label}（${value}）`,
        }))}
        showSearch={{ filterOption: (input, option) => String(option?.label ?? "").includes(input) }}
      />
      <Input
        style={{ width: 200 }}
        value={entityId}
        onChange={(e) => setEntityId(e.target.value)}
        onPressEnter={submit}
        placeholder={t("audit.entityId")}
        aria-label={t("audit.entityId")}
        allowClear
      />
      <AutoComplete
        style={{ width: 200 }}
        value={action}
        onChange={setAction}
        placeholder={t("audit.action")}
        aria-label={t("audit.action")}
        allowClear
        options={Object.entries(table.auditActions).map(([value, label]) => ({
          value,
          label: `${label}（${value}）`,
        }))}
        showSearch={{ filterOption: (input, option) => String(option?.label ?? "").includes(input) }}
      />
      <Input
        style={{ width: 200 }}
        value={actorId}
        onChange={(e) => setActorId(e.target.value)}
        onPressEnter={submit}
        placeholder={t("audit.actorId")}
        aria-label={t("audit.actorId")}
        allowClear
      />
      <DatePicker.RangePicker
        showTime={{ format: "HH:mm" }}
        format="YYYY-MM-DD HH:mm"
        value={range}
        onChange={(value) => setRange(value)}
        placeholder={[t("audit.startTime"), t("audit.endTime")]}
        aria-label={t("audit.timeRange")}
      />
      <Button type="primary" onClick={submit}>
        {t("audit.filter")}
      </Button>
      <Button onClick={reset}>{t("common.reset")}</Button>
    </Flex>
  );
}
