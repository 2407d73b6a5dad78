import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Empty,
  Form,
  Input,
  List,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { SOURCE_CHANNEL_LABELS, type SourceChannel } from "../../../../shared/incidents.js";
import { errorMessage } from "../../api/client.js";
import { PageHeader } from "../../components/PageHeader.js";
import { formatDateTime } from "../../lib/format.js";
import { type Deadline, type IncidentDetail, incidentsApi } from "./api.js";
import { Countdown } from "./Countdown.js";
import { useIncidentStream, useServerNow } from "./live.js";
import { ReportComposer } from "./ReportComposer.js";
import "./incidents.css";

function LevelForm({ incident, onSaved }: { incident: IncidentDetail; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<{ level: string; reason: string }>();
  return (
    <Form
      form={form}
      layout="inline"
      initialValues={{ level: incident.level }}
      onFinish={(v) =>
        modal.confirm({
          title: t("incidents.setLevel"),
          content: `${incident.levelName} → ${incident.levelChoices.find((l) => l.id === v.level)?.name ?? v.level}`,
          onOk: async () => {
            try {
              await incidentsApi.setLevel(incident.id, v.level, v.reason);
              message.success(t("incidents.levelSaved"));
              form.resetFields(["reason"]);
              onSaved();
            } catch (error) {
              message.error(errorMessage(error));
            }
          },
        })
      }
    >
      <Form.Item name="level">
        <Select
          style={{ width: 150 }}
          options={incident.levelChoices.map((l) => ({ value: l.id, label: l.name }))}
        />
      </Form.Item>
      <Form.Item name="reason" rules={[{ required: true, message: t("incidents.reasonRequired") }]}>
        <Input placeholder={t("incidents.reason")} style={{ width: 220 }} />
      </Form.Item>
      <Button htmlType="submit">{t("incidents.setLevel")}</Button>
    </Form>
  );
}

function InstructionForm({ incident, onSaved }: { incident: IncidentDetail; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ leader: string; content: string; relayTo: string[] }>();
  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={async (v) => {
        try {
          await incidentsApi.instruct(incident.id, {
            leader: v.leader,
            content: v.content,
            relayTo: v.relayTo ?? [],
          });
          message.success(t("incidents.instructionSaved"));
          form.resetFields();
          onSaved();
        } catch (error) {
          message.error(errorMessage(error));
        }
      }}
    >
      <Form.Item name="leader" label={t("incidents.leader")} rules={[{ required: true }]}>
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item name="content" label={t("incidents.content")} rules={[{ required: true }]}>
        <Input.TextArea rows={2} maxLength={5000} />
      </Form.Item>
      <Form.Item name="relayTo" label={t("incidents.relayTo")}>
        <Checkbox.Group options={incident.leadDepartments.map((d) => ({ value: d.id, label: d.name }))} />
      </Form.Item>
      <Button htmlType="submit">{t("incidents.instruct")}</Button>
    </Form>
  );
}

/** One incident: facts, deadlines with countdowns, composer, timeline, reports, instructions. */
export function IncidentDetailPage() {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const { id = "" } = useParams();
  const [incident, setIncident] = useState<IncidentDetail>();
  const [error, setError] = useState<string>();
  const now = useServerNow();

  const load = useCallback(() => {
    incidentsApi
      .get(id)
      .then((i) => {
        setIncident(i);
        setError(undefined);
      })
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [id]);
  useEffect(load, [load]);
  useIncidentStream((entityId) => {
    if (entityId === id || entityId === "*") {
      load();
    }
  });

  if (error && !incident) {
    return <Alert type="error" showIcon title={error} />;
  }
  if (!incident) {
    return null;
  }
  const can = (action: string) => incident.allowedActions.includes(action);
  const open = incident.status === "open";
  const f = incident.figures;

  return (
    <>
      <PageHeader
        title={`${incident.number} ${incident.title}`}
        extra={
          <Space>
            <Tag color={incident.status === "open" ? "processing" : "default"}>
              {t(`incidents.statusLabels.${incident.status}`)}
            </Tag>
            <Link to="/duty">{t("incidents.back")}</Link>
          </Space>
        }
      />
      {incident.possibleDuplicates.length > 0 && open ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={
            <Space wrap>
              {t("incidents.duplicates")}：
              {incident.possibleDuplicates.map((d) => (
                <Space key={d.id} size={4}>
                  <Link to={`/duty/incidents/${d.id}`}>{d.number}</Link>
                  {d.distanceM !== null ? (
                    <Typography.Text type="secondary">{d.distanceM} m</Typography.Text>
                  ) : null}
                  {can("merge") ? (
                    <Button
                      size="small"
                      onClick={() =>
                        modal.confirm({
                          title: t("incidents.merge"),
                          content: t("incidents.mergeConfirm", { number: d.number }),
                          onOk: async () => {
                            try {
                              await incidentsApi.merge(incident.id, d.id);
                              message.success(t("incidents.merged", { number: d.number }));
                              load();
                            } catch (e) {
                              message.error(errorMessage(e));
                            }
                          },
                        })
                      }
                    >
                      {t("incidents.merge")}
                    </Button>
                  ) : null}
                </Space>
              ))}
            </Space>
          }
        />
      ) : null}
      <div className="fh-detail">
        <div>
          <Card title={t("incidents.deadlinesTitle")}>
            <Table<Deadline>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={incident.deadlines.filter((d) => d.state !== "cancelled")}
              columns={[
                {
                  title: t("incidents.colRule"),
                  dataIndex: "name",
                  render: (v: string, d) => (d.round > 1 ? `${v}（第 ${d.round} 次）` : v),
                },
                {
                  title: t("incidents.colDue"),
                  dataIndex: "dueAt",
                  width: 150,
                  render: (v: string) => formatDateTime(v).slice(5, 16),
                },
                {
                  title: t("incidents.colState"),
                  key: "state",
                  width: 170,
                  render: (_, d) => (
                    <Space direction="vertical" size={2}>
                      <Countdown deadline={d} now={now} />
                      {d.awaitingApproval ? (
                        <Tag color="orange" data-testid={`awaiting-${d.ruleId}`}>
                          {t("incidents.awaitingApproval")}
                        </Tag>
                      ) : null}
                      {d.approvedByName ? (
                        <Typography.Text type="secondary">
                          {t("incidents.approvedBy", { name: d.approvedByName })}
                        </Typography.Text>
                      ) : null}
                      {d.awaitingApproval && can("approveUpward") ? (
                        <Button
                          size="small"
                          type="primary"
                          onClick={() =>
                            modal.confirm({
                              title: t("incidents.approveUpward"),
                              content: t("incidents.approveUpwardConfirm", { name: d.name }),
                              onOk: async () => {
                                try {
                                  setIncident(await incidentsApi.approveUpward(incident.id, d.id));
                                  message.success(t("incidents.approvedUpward", { name: d.name }));
                                } catch (e) {
                                  message.error(errorMessage(e));
                                }
                              },
                            })
                          }
                        >
                          {t("incidents.approveUpward")}
                        </Button>
                      ) : null}
                    </Space>
                  ),
                },
                {
                  title: t("incidents.colRecipients"),
                  dataIndex: "recipients",
                  ellipsis: true,
                  render: (v: string[]) => v.join("、"),
                },
              ]}
            />
          </Card>
          <Card title={t("incidents.basics")}>
            <Descriptions column={2} size="small" bordered>
              <Descriptions.Item label={t("incidents.subtype")}>
                {incident.categoryName} / {incident.subtypeName}
              </Descriptions.Item>
              <Descriptions.Item label={t("incidents.colLevel")}>
                <Tag color={incident.levelConfirmed ? "blue" : "default"}>{incident.levelName}</Tag>
                {incident.levelConfirmed ? incident.levelReason : t("incidents.levelUnconfirmed")}
              </Descriptions.Item>
              <Descriptions.Item label={t("incidents.occurredAt")}>
                {formatDateTime(incident.occurredAt)}
              </Descriptions.Item>
              <Descriptions.Item label={t("incidents.receivedAt")}>
                {formatDateTime(incident.receivedAt)}
              </Descriptions.Item>
              <Descriptions.Item label={t("incidents.source")}>
                {SOURCE_CHANNEL_LABELS[incident.sourceChannel as SourceChannel] ?? incident.sourceChannel}
                {incident.sourceDetail ? `（${incident.sourceDetail}）` : ""}
              </Descriptions.Item>
              <Descriptions.Item label={t("incidents.colPlace")}>
                {[incident.divisionName, incident.address].filter(Boolean).join(" ")}
              </Descriptions.Item>
              <Descriptions.Item label={t("incidents.leadDepartments")}>
                {incident.leadDepartments.map((d) => d.name).join("、")}
              </Descriptions.Item>
              <Descriptions.Item label={t("incidents.suggestion")}>
                {incident.suggestedLevel.levelName ?? "—"}
                <Typography.Text type="secondary" style={{ display: "block", fontSize: 12 }}>
                  {incident.suggestedLevel.reason}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t("incidents.figures")} span={2}>
                {(["deaths", "injuries", "missing", "trapped", "evacuated"] as const)
                  .filter((k) => f[k] !== undefined)
                  .map((k) => `${t(`incidents.figureLabels.${k}`)} ${f[k]}`)
                  .join("，") || "—"}
              </Descriptions.Item>
              <Descriptions.Item label={t("incidents.description")} span={2}>
                {incident.description || "—"}
              </Descriptions.Item>
            </Descriptions>
            <Space wrap style={{ marginTop: 12 }}>
              {can("setLevel") && open ? <LevelForm incident={incident} onSaved={load} /> : null}
              {can("verify") && open && !incident.verifiedAt ? (
                <Button
                  onClick={async () => {
                    try {
                      await incidentsApi.verify(incident.id);
                      load();
                    } catch (e) {
                      message.error(errorMessage(e));
                    }
                  }}
                >
                  {t("incidents.verify")}
                </Button>
              ) : null}
              {incident.verifiedAt ? (
                <Tag color="green">
                  {t("incidents.verified", { at: formatDateTime(incident.verifiedAt).slice(5, 16) })}
                </Tag>
              ) : null}
            </Space>
          </Card>
          <Card title={t("incidents.timelineTitle")}>
            <Timeline
              items={incident.timeline.map((e) => ({
                color: e.type === "deadline.overdue" ? "red" : e.type === "deadline.met" ? "green" : "blue",
                content: (
                  <>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatDateTime(e.at)} · {e.actorName ?? "系统"}
                    </Typography.Text>
                    <div>{e.summary}</div>
                  </>
                ),
              }))}
            />
          </Card>
        </div>
        <div>
          {can("fileReport") && open ? (
            <Card title={t("incidents.composerTitle")}>
              <ReportComposer incident={incident} onFiled={load} />
            </Card>
          ) : null}
          <Card title={t("incidents.reportsTitle")}>
            {incident.reports.length === 0 ? (
              <Empty description={t("incidents.noReports")} />
            ) : (
              <List
                dataSource={incident.reports}
                renderItem={(r) => (
                  <List.Item
                    actions={[
                      <a key="docx" href={r.documentUrl}>
                        {t("incidents.download")}
                      </a>,
                    ]}
                  >
                    <List.Item.Meta
                      title={`${r.kindName} · 第 ${r.seq} 报`}
                      description={`${formatDateTime(r.filedAt)} · ${r.unitName} · ${r.filedByName ?? ""}`}
                    />
                  </List.Item>
                )}
              />
            )}
          </Card>
          <Card title={t("incidents.instructionsTitle")}>
            {incident.instructions.length === 0 ? (
              <Typography.Paragraph type="secondary">{t("incidents.noInstructions")}</Typography.Paragraph>
            ) : (
              incident.instructions.map((i) => (
                <Typography.Paragraph key={i.id}>
                  <Typography.Text strong>{i.leader}</Typography.Text>（
                  {formatDateTime(i.instructedAt).slice(5, 16)}）：
                  {i.content}
                  {i.relayTo.length > 0 ? ` → ${i.relayTo.map((u) => u.name).join("、")}` : ""}
                </Typography.Paragraph>
              ))
            )}
            {can("recordInstruction") ? <InstructionForm incident={incident} onSaved={load} /> : null}
          </Card>
        </div>
      </div>
    </>
  );
}
