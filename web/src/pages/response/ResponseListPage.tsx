import { Alert, Button, Card, Space, Table, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { errorMessage } from "../../api/client.js";
import { PageHeader } from "../../components/PageHeader.js";
import { formatDateTime } from "../../lib/format.js";
import { useIncidentStream } from "../incidents/live.js";
import { type OpenIncident, type ResponseSummary, responseApi } from "./api.js";
import "./response.css";

export const STATE_COLOURS: Record<string, string> = {
  active: "red",
  end_requested: "orange",
  ended: "default",
};

/** 应急响应: running responses first, then open incidents that have none yet. */
export function ResponseListPage() {
  const { t } = useTranslation();
  const [responses, setResponses] = useState<ResponseSummary[]>([]);
  const [incidents, setIncidents] = useState<OpenIncident[]>([]);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);

  const load = useCallback(() => {
    Promise.all([responseApi.list(), responseApi.openIncidents()])
      .then(([r, i]) => {
        setResponses(r.items);
        setIncidents(i.items.filter((x) => !r.items.some((y) => y.incidentId === x.id)));
        setError(undefined);
      })
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setLoading(false));
  }, []);
  useEffect(load, [load]);
  useIncidentStream(load);

  return (
    <>
      <PageHeader title={t("response.listTitle")} />
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
      <Card title={t("response.activeTitle")} size="small" className="fh-response-card">
        <Table<ResponseSummary>
          rowKey="id"
          size="middle"
          loading={loading}
          pagination={false}
          dataSource={[...responses].sort((a, b) => order(a) - order(b))}
          locale={{ emptyText: t("response.noResponses") }}
          rowClassName={(r) => (r.overdueTasks > 0 && r.state !== "ended" ? "fh-row-overdue" : "")}
          columns={[
            {
              title: t("response.columns.title"),
              key: "title",
              render: (_, r) => (
                <Space orientation="vertical" size={0}>
                  <Link to={`/response/${r.incidentId}`} className="fh-incident-link">
                    {r.incidentTitle}
                  </Link>
                  <Typography.Text type="secondary">
                    {r.incidentNumber} · {r.subtypeName}
                  </Typography.Text>
                </Space>
              ),
            },
            { title: t("response.columns.grade"), dataIndex: "gradeName", width: 90 },
            { title: t("response.columns.level"), dataIndex: "levelName", width: 200 },
            {
              title: t("response.columns.state"),
              dataIndex: "state",
              width: 120,
              render: (s: string) => (
                <Tag color={STATE_COLOURS[s]}>{t(`response.states.${s}` as "response.states.active")}</Tag>
              ),
            },
            {
              title: t("response.columns.overdue"),
              dataIndex: "overdueTasks",
              width: 100,
              render: (n: number, r) =>
                n > 0 && r.state !== "ended" ? (
                  <Tag color="red">{t("response.tasks.overdueCount", { count: n })}</Tag>
                ) : (
                  "—"
                ),
            },
            {
              title: t("response.columns.activatedAt"),
              dataIndex: "activatedAt",
              width: 170,
              render: (v: string) => formatDateTime(v),
            },
          ]}
        />
      </Card>
      <Card
        title={t("response.openIncidents")}
        size="small"
        className="fh-response-card"
        style={{ marginTop: 16 }}
      >
        <Table<OpenIncident>
          rowKey="id"
          size="middle"
          loading={loading}
          pagination={false}
          dataSource={incidents}
          locale={{ emptyText: t("response.noOpenIncidents") }}
          columns={[
            {
              title: t("response.columns.title"),
              key: "title",
              render: (_, r) => (
                <Space orientation="vertical" size={0}>
                  <span>{r.title}</span>
                  <Typography.Text type="secondary">
                    {r.number} · {r.subtypeName}
                  </Typography.Text>
                </Space>
              ),
            },
            { title: t("response.columns.grade"), dataIndex: "levelName", width: 120 },
            {
              title: t("response.columns.received"),
              dataIndex: "receivedAt",
              width: 170,
              render: (v: string) => formatDateTime(v),
            },
            {
              title: t("common.actions"),
              key: "go",
              width: 140,
              render: (_, r) => (
                <Link to={`/response/${r.id}`}>
                  <Button size="small">{t("response.openWorkspace")}</Button>
                </Link>
              ),
            },
          ]}
        />
      </Card>
    </>
  );
}

function order(r: ResponseSummary): number {
  return r.state === "active" ? 0 : r.state === "end_requested" ? 1 : 2;
}
