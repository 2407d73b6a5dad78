import { Alert, Badge, Card, Empty, Space, Table, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { errorMessage } from "../../api/client.js";
import { PageHeader } from "../../components/PageHeader.js";
import { formatDateTime } from "../../lib/format.js";
import { type Incident, type IntakeMeta, incidentsApi } from "./api.js";
import { Countdown, nextDeadline, urgencyOf } from "./Countdown.js";
import { IntakeForm } from "./IntakeForm.js";
import { useIncidentStream, useServerNow } from "./live.js";
import "./incidents.css";

/** 值班台: intake on the left, open incidents with live countdowns on the right. */
export function DutyDeskPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [meta, setMeta] = useState<IntakeMeta>();
  const [items, setItems] = useState<Incident[]>([]);
  const [error, setError] = useState<string>();
  const now = useServerNow();

  const load = useCallback(() => {
    incidentsApi
      .list({ status: "open", limit: 100 })
      .then((page) => {
        setItems(page.items);
        setError(undefined);
      })
      .catch((e: unknown) => setError(errorMessage(e)));
  }, []);

  useEffect(() => {
    incidentsApi
      .meta()
      .then(setMeta)
      .catch((e: unknown) => setError(errorMessage(e)));
    load();
  }, [load]);
  const live = useIncidentStream(load);

  const overdue = items.flatMap((i) => i.deadlines).filter((d) => urgencyOf(d, now) === "past").length;
  const sorted = [...items].sort((a, b) => {
    const da = nextDeadline(a.deadlines)?.dueAt ?? "9999";
    const db = nextDeadline(b.deadlines)?.dueAt ?? "9999";
    return da.localeCompare(db);
  });

  return (
    <>
      <PageHeader
        title={t("incidents.deskTitle")}
        extra={
          <Badge
            status={live ? "processing" : "error"}
            text={live ? t("incidents.live") : t("incidents.offline")}
          />
        }
      />
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
      {overdue > 0 ? (
        <Alert
          type="error"
          showIcon
          title={t("incidents.overdueBanner", { count: overdue })}
          style={{ marginBottom: 12 }}
        />
      ) : null}
      <div className="fh-desk">
        <Card title={t("incidents.intakeTitle")}>
          {meta ? <IntakeForm meta={meta} onRegistered={(i) => navigate(`/duty/incidents/${i.id}`)} /> : null}
        </Card>
        <Card title={`${t("incidents.openTitle")}（${items.length}）`}>
          <Table<Incident>
            rowKey="id"
            size="middle"
            dataSource={sorted}
            pagination={false}
            locale={{ emptyText: <Empty description={t("incidents.noOpen")} /> }}
            rowClassName={(i) => {
              const next = nextDeadline(i.deadlines);
              const u = next ? urgencyOf(next, now) : "done";
              return u === "past" ? "fh-row-past" : u === "near" ? "fh-row-near" : "";
            }}
            onRow={(i) => ({
              onDoubleClick: () => navigate(`/duty/incidents/${i.id}`),
            })}
            columns={[
              {
                title: t("incidents.colEvent"),
                key: "event",
                render: (_, i) => (
                  <Space orientation="vertical" size={0}>
                    <Link to={`/duty/incidents/${i.id}`} className="fh-incident-title">
                      {i.title}
                    </Link>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {i.number} · {i.subtypeName} · {i.divisionName ?? i.address ?? ""} ·{" "}
                      {t("incidents.colReceived")} {formatDateTime(i.receivedAt).slice(11, 16)}
                    </Typography.Text>
                  </Space>
                ),
              },
              {
                title: t("incidents.colLevel"),
                key: "level",
                width: 112,
                render: (_, i) => (
                  <Tag color={i.levelConfirmed ? "blue" : "default"}>
                    {i.levelName}
                    {i.levelConfirmed ? "" : `（${t("incidents.levelUnconfirmed")}）`}
                  </Tag>
                ),
              },
              {
                title: t("incidents.colDeadline"),
                key: "deadline",
                width: 190,
                render: (_, i) => {
                  const next = nextDeadline(i.deadlines);
                  return next ? (
                    <Space orientation="vertical" size={2}>
                      <Typography.Text style={{ fontSize: 12 }}>{next.name}</Typography.Text>
                      <Countdown deadline={next} now={now} />
                    </Space>
                  ) : (
                    <Typography.Text type="secondary">{t("incidents.noDeadline")}</Typography.Text>
                  );
                },
              },
            ]}
          />
        </Card>
      </div>
    </>
  );
}
