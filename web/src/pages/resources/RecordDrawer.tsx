import { Descriptions, Drawer, Empty, Table, Tabs, Typography } from "antd";
import { type ReactNode, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, errorMessage } from "../../api/client.js";
import { messages } from "../../i18n/index.js";
import { formatDateTime } from "../../lib/format.js";
import type { HistoryItem, RegistryDescription, ResourceRecord } from "./api.js";
import { renderValue } from "./fields.js";

/** Audit actions read as verbs ("team.update" → 修改), in the UI language. */
export function actionLabel(action: string): string {
  const verb = action.split(".").pop() ?? action;
  const verbs: Record<string, string> = messages().resources.verbs;
  return Object.hasOwn(verbs, verb) ? (verbs[verb] ?? action) : action;
}

function changes(item: HistoryItem): string {
  const after = item.after as Record<string, unknown> | null;
  if (!after || typeof after !== "object") {
    return "";
  }
  return Object.entries(after)
    .filter(([k]) => k !== "updated_at" && k !== "created_at" && k !== "id")
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join("；");
}

/** Detail of one record: every field, and its history from the audit chain. */
export function RecordDrawer({
  registry,
  record,
  onClose,
  extra,
}: {
  registry: RegistryDescription;
  record: ResourceRecord | undefined;
  onClose(): void;
  extra?: ReactNode;
}) {
  const { t } = useTranslation();
  const [history, setHistory] = useState<HistoryItem[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);

  useEffect(() => {
    setHistory(undefined);
    setError(undefined);
    if (!record) {
      return;
    }
    api
      .get<{ items: HistoryItem[] }>(`/api/${registry.name}/${encodeURIComponent(record.id)}/history`)
      .then((r) => setHistory(r.items))
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [record, registry.name]);

  return (
    <Drawer
      open={record !== undefined}
      size={640}
      onClose={onClose}
      title={record ? `${record.name}（${record.code}）` : ""}
      extra={extra}
    >
      {record ? (
        <Tabs
          items={[
            {
              key: "fields",
              label: t("resources.detail.fields"),
              children: (
                <Descriptions column={1} size="small" bordered styles={{ label: { width: 150 } }}>
                  {registry.fields.map((f) => (
                    <Descriptions.Item key={f.key} label={f.label}>
                      {renderValue(f, record[f.key], record)}
                    </Descriptions.Item>
                  ))}
                  <Descriptions.Item label={t("resources.detail.at")}>
                    {formatDateTime(record.updatedAt)}
                  </Descriptions.Item>
                </Descriptions>
              ),
            },
            {
              key: "history",
              label: t("resources.detail.history"),
              children: error ? (
                <Typography.Text type="danger">{error}</Typography.Text>
              ) : history && history.length === 0 ? (
                <Empty description={t("resources.detail.noHistory")} />
              ) : (
                <Table
                  size="small"
                  loading={history === undefined}
                  rowKey="seq"
                  dataSource={history ?? []}
                  pagination={false}
                  columns={[
                    { title: t("resources.detail.at"), width: 160, render: (_, h) => formatDateTime(h.at) },
                    {
                      title: t("resources.detail.action"),
                      width: 110,
                      render: (_, h) => actionLabel(h.action),
                    },
                    { title: t("resources.detail.actor"), width: 120, dataIndex: "actorName" },
                    { title: t("resources.detail.changes"), ellipsis: true, render: (_, h) => changes(h) },
                  ]}
                />
              ),
            },
          ]}
        />
      ) : null}
    </Drawer>
  );
}
