import { ArrowLeftOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  Modal,
  Radio,
  Select,
  Spin,
  Table,
  Tabs,
  Tag,
  Timeline,
  Typography,
} from "antd";
import type { TFunction } from "i18next";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { WARNING_CHANNELS } from "../../../../shared/warnings.js";
import { errorMessage } from "../../api/client.js";
import { PageHeader } from "../../components/PageHeader.js";
import { shanghaiToIso } from "../../lib/format.js";
import { type Colour, type Delivery, type Meta, type Task, type Warning, warningsApi } from "./api.js";
import { ColourBadge, period, StatusTag, when } from "./common.js";
import { WarningMap } from "./WarningMap.js";
import "./warnings.css";

type Action =
  | "propose"
  | "submit"
  | "approve"
  | "reject"
  | "publish"
  | "release"
  | "authorise"
  | "adjust"
  | "lift";
const ORDER: Action[] = [
  "propose",
  "submit",
  "approve",
  "publish",
  "release",
  "adjust",
  "lift",
  "authorise",
  "reject",
];
const DANGER = new Set<Action>(["lift", "reject"]);

function actionLabel(t: TFunction, action: Action, w: Warning): string {
  if (action === "approve" && w.origin === "relayed" && w.status !== "published") {
    return t("warnings.actions.signOff");
  }
  if (action === "publish" && w.origin === "relayed" && w.status !== "published") {
    return t("warnings.actions.relay");
  }
  return t(`warnings.actions.${action}`);
}

/** One modal for every step: asks what the step needs (reason, channels, changes) and confirms. */
function ActionModal({
  action,
  warning,
  meta,
  onClose,
  onDone,
}: {
  action: Action | undefined;
  warning: Warning;
  meta: Meta | undefined;
  onClose: () => void;
  onDone: (w: Warning) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  // A fresh form for every step opened.
  useEffect(() => {
    if (action) {
      setProblem(undefined);
      form.resetFields();
    }
  }, [action, form]);
  if (!action) {
    return null;
  }
  const submit = async () => {
    const v = (await form.validateFields()) as Record<string, unknown>;
    let body: Record<string, unknown> = {};
    switch (action) {
      case "propose":
      case "submit":
      case "approve":
        body = v.note ? { note: v.note } : {};
        break;
      case "reject":
      case "lift":
        body = { reason: v.reason };
        break;
      case "publish":
        body = { channels: v.channels };
        break;
      case "release":
        body = {};
        break;
      case "authorise":
        body = { unitIds: v.unitIds ?? [] };
        break;
      case "adjust": {
        const changes: Record<string, unknown> = {};
        if (v.colour && v.colour !== warning.colour) {
          changes.colour = v.colour;
        }
        if (typeof v.expiresAt === "string" && v.expiresAt.trim()) {
          changes.expiresAt = shanghaiToIso(v.expiresAt.trim().replace(" ", "T"));
        }
        if (typeof v.publicAdvice === "string" && v.publicAdvice.trim()) {
          changes.content = { publicAdvice: v.publicAdvice.trim() };
        }
        body = { reason: v.reason, changes };
        break;
      }
    }
    setBusy(true);
    setProblem(undefined);
    try {
      onDone(await warningsApi.action(warning.id, action, body));
    } catch (e) {
      setProblem(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const reason = [{ required: true, whitespace: true, message: t("warnings.actions.reasonRequired") }];
  const title =
    action === "publish"
      ? t("warnings.actions.confirmPublish", { title: warning.title })
      : action === "adjust"
        ? t("warnings.actions.adjustTitle")
        : actionLabel(t, action, warning);
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      onOk={submit}
      okText={actionLabel(t, action, warning)}
      okButtonProps={{ danger: DANGER.has(action), loading: busy }}
      destroyOnHidden
      width={560}
    >
      {problem ? (
        <Alert
          type="error"
          showIcon
          message={problem}
          style={{ marginBottom: 12 }}
          data-testid="action-problem"
        />
      ) : null}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ channels: ["inApp", "sms", "public"], colour: warning.colour }}
      >
        {action === "approve" ? (
          <Typography.Paragraph>
            {t("warnings.actions.confirmApprove", { title: warning.title })}
          </Typography.Paragraph>
        ) : null}
        {action === "submit" ? (
          <Typography.Paragraph>
            {t("warnings.actions.confirmSubmit", { title: warning.title })}
          </Typography.Paragraph>
        ) : null}
        {action === "release" ? (
          <Typography.Paragraph>
            {t("warnings.actions.confirmRelease", { title: warning.title })}
          </Typography.Paragraph>
        ) : null}
        {action === "lift" ? (
          <Alert
            type="warning"
            showIcon
            message={t("warnings.actions.confirmLift", { title: warning.title })}
            style={{ marginBottom: 12 }}
          />
        ) : null}
        {action === "propose" || action === "submit" || action === "approve" ? (
          <Form.Item name="note" label={t("warnings.actions.note")}>
            <Input.TextArea autoSize={{ minRows: 2 }} maxLength={500} />
          </Form.Item>
        ) : null}
        {action === "publish" ? (
          <>
            <Form.Item
              name="channels"
              label={t("warnings.actions.channels")}
              rules={[{ required: true, type: "array", min: 1 }]}
            >
              <Checkbox.Group className="fh-channels">
                {WARNING_CHANNELS.map((c) => (
                  <Checkbox key={c} value={c}>
                    {t(`warnings.detail.channelNames.${c}`)}
                  </Checkbox>
                ))}
              </Checkbox.Group>
            </Form.Item>
            <Typography.Text type="secondary">{t("warnings.actions.publicOnlyOffice")}</Typography.Text>
          </>
        ) : null}
        {action === "authorise" ? (
          <Form.Item
            name="unitIds"
            label={t("warnings.actions.authoriseUnits")}
            initialValue={warning.authorisedUnitIds}
          >
            <Select
              mode="multiple"
              showSearch={{ optionFilterProp: "label" }}
              options={(meta?.units ?? []).map((u) => ({ value: u.id, label: u.name }))}
            />
          </Form.Item>
        ) : null}
        {action === "adjust" ? (
          <>
            <Form.Item name="colour" label={t("warnings.actions.adjustColour")}>
              <Radio.Group>
                {(meta?.colours ?? []).map((c) => (
                  <Radio key={c.id} value={c.id}>
                    <ColourBadge colour={c.id} name={c.name} />
                  </Radio>
                ))}
              </Radio.Group>
            </Form.Item>
            <Form.Item
              name="expiresAt"
              label={t("warnings.actions.adjustExpires")}
              rules={[{ pattern: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/, message: "YYYY-MM-DD HH:mm" }]}
            >
              <Input placeholder="YYYY-MM-DD HH:mm" />
            </Form.Item>
            <Form.Item name="publicAdvice" label={t("warnings.actions.adjustAdvice")}>
              <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} />
            </Form.Item>
          </>
        ) : null}
        {action === "reject" || action === "lift" || action === "adjust" ? (
          <Form.Item name="reason" label={t("warnings.actions.reason")} rules={reason}>
            <Input.TextArea autoSize={{ minRows: 2 }} maxLength={500} />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}

function TaskTable({ warning, onChanged }: { warning: Warning; onChanged: (w: Warning) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const kinds = ["measure", "filing", "cross_area", "door_to_door"] as const;
  if (warning.tasks.length === 0) {
    return <Empty description={t("warnings.detail.noTasks")} />;
  }
  const setState = async (task: Task, state: string) => {
    try {
      onChanged(await warningsApi.task(warning.id, task.id, { state }));
    } catch (e) {
      message.error(errorMessage(e));
    }
  };
  return (
    <Flex vertical gap={16}>
      {kinds.map((kind) => {
        const rows = warning.tasks.filter((x) => x.kind === kind);
        if (rows.length === 0) {
          return null;
        }
        const done = rows.filter((r) => r.state === "done").length;
        return (
          <Card
            key={kind}
            size="small"
            title={`${t(`warnings.detail.taskKinds.${kind}`)}（${done}/${rows.length}）`}
          >
            <Table
              rowKey="id"
              size="small"
              pagination={rows.length > 12 ? { pageSize: 12, size: "small" } : false}
              dataSource={rows}
              columns={[
                { title: "#", dataIndex: "no", width: 48 },
                { title: t("warnings.colTask"), dataIndex: "title" },
                { title: t("warnings.colUnit"), dataIndex: "unitName", width: 200, ellipsis: true },
                {
                  title: t("warnings.colStatus"),
                  key: "state",
                  width: 130,
                  render: (_: unknown, task: Task) => (
                    <Select
                      size="small"
                      value={task.state}
                      style={{ width: 110 }}
                      onChange={(s) => void setState(task, s)}
                      options={(["pending", "in_progress", "done"] as const).map((s) => ({
                        value: s,
                        label: t(`warnings.detail.taskStates.${s}`),
                      }))}
                    />
                  ),
                },
              ]}
            />
          </Card>
        );
      })}
    </Flex>
  );
}

function Deliveries({ warning }: { warning: Warning }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<Delivery[] | undefined>();
  useEffect(() => {
    warningsApi
      .deliveries(warning.id)
      .then((p) => setItems(p.items))
      .catch(() => setItems([]));
  }, [warning]);
  if (warning.deliveries.length === 0) {
    return <Empty description={t("warnings.detail.noDeliveries")} />;
  }
  return (
    <Flex vertical gap={12}>
      <Flex gap={8} wrap>
        {warning.deliveries.map((d) => (
          <Tag
            key={`${d.channel}-${d.state}`}
            color={d.state === "sent" ? "success" : d.state === "failed" ? "error" : "processing"}
          >
            {t(`warnings.detail.channelNames.${d.channel}`, { defaultValue: d.channel })} ·{" "}
            {t(`warnings.detail.deliveryStates.${d.state}`, { defaultValue: d.state })} {d.count}
          </Tag>
        ))}
      </Flex>
      <Table
        rowKey={(d) => `${d.channel}-${d.recipient}`}
        size="small"
        loading={items === undefined}
        dataSource={items ?? []}
        pagination={{ pageSize: 10, size: "small" }}
        columns={[
          { title: t("warnings.actions.channels"), dataIndex: "channel", width: 90 },
          { title: "接收人", dataIndex: "recipient" },
          {
            title: t("warnings.colStatus"),
            dataIndex: "state",
            width: 90,
            render: (s: string) => t(`warnings.detail.deliveryStates.${s}`, { defaultValue: s }),
          },
          { title: "次数", dataIndex: "attempts", width: 60 },
          { title: "错误", dataIndex: "lastError", ellipsis: true },
        ]}
      />
    </Flex>
  );
}

/** 预警详情: content, area, who acts next and the steps the user may take; history and delivery. */
export function WarningDetailPage() {
  const { t } = useTranslation();
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [warning, setWarning] = useState<Warning | undefined>();
  const [meta, setMeta] = useState<Meta | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [action, setAction] = useState<Action | undefined>();

  const load = useCallback(() => {
    warningsApi
      .get(id)
      .then((w) => {
        setWarning(w);
        setError(undefined);
      })
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [id]);
  useEffect(() => {
    load();
    warningsApi
      .meta()
      .then(setMeta)
      .catch(() => undefined);
  }, [load]);
  useEffect(() => {
    const source = new EventSource("/api/stream");
    source.addEventListener("warning.changed", (e) => {
      try {
        if ((JSON.parse((e as MessageEvent<string>).data) as { entityId?: string }).entityId === id) {
          load();
        }
      } catch {
        load();
      }
    });
    return () => source.close();
  }, [id, load]);

  if (error) {
    return <Alert type="error" showIcon message={error} />;
  }
  if (!warning) {
    return <Spin />;
  }
  const w = warning;
  const allowed = ORDER.filter((a) => w.allowedActions.includes(a));
  const c = w.content;
  return (
    <div className="fh-page">
      <PageHeader
        title={w.title}
        extra={
          <>
            <Button icon={<ArrowLeftOutlined />} onClick={() => navigate("/warnings")}>
              {t("warnings.detail.back")}
            </Button>
            {w.allowedActions.includes("edit") ? (
              <Button onClick={() => navigate(`/warnings/${w.id}/edit`)}>{t("warnings.actions.edit")}</Button>
            ) : null}
            {allowed.map((a) => (
              <Button
                key={a}
                type={a === allowed[0] && !DANGER.has(a) ? "primary" : "default"}
                danger={DANGER.has(a)}
                onClick={() => setAction(a)}
                data-testid={`action-${a}`}
              >
                {actionLabel(t, a, w)}
              </Button>
            ))}
          </>
        }
      />
      <Flex gap={8} align="center" wrap className="fh-detail-tags">
        <ColourBadge colour={w.colour as Colour} name={w.colourName} />
        <StatusTag status={w.status} name={w.statusName} />
        <Tag>{t(`warnings.origins.${w.origin}`)}</Tag>
        {w.version > 0 ? <Tag>{t("warnings.version", { n: w.version })}</Tag> : null}
        {w.status === "published" ? (
          <Tag color={w.publicState === "released" ? "red" : "default"}>
            {t(`warnings.publicStates.${w.publicState}`)}
          </Tag>
        ) : null}
        {w.awaiting.length > 0 ? (
          <Typography.Text strong className="fh-awaiting" data-testid="awaiting">
            {t("warnings.awaiting", { who: w.awaiting.join(" / ") })}
          </Typography.Text>
        ) : null}
      </Flex>
      {w.rejectedReason ? (
        <Alert
          type="warning"
          showIcon
          message={t("warnings.detail.rejected", { reason: w.rejectedReason })}
          style={{ marginBottom: 12 }}
        />
      ) : null}
      {w.pending ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          message={`${t(
            w.pending.kind === "adjust" ? "warnings.detail.pendingAdjust" : "warnings.detail.pendingLift",
            {
              by: w.pending.byName ?? "",
              reason: w.pending.content?.reason ?? "",
            },
          )}${
            w.pending.state === "approved"
              ? `（${t("warnings.detail.pendingApproved")}）`
              : w.pending.state === "submitted"
                ? `（${t("warnings.detail.pendingSubmitted")}）`
                : ""
          }`}
        />
      ) : null}
      {w.submittedBy &&
      w.submittedAt &&
      (w.status === "submitted" || w.status === "approved" || w.pending) ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="submission"
          message={
            w.status === "approved" && w.approvedBy
              ? t("warnings.detail.submittedApproved", {
                  by: w.submittedBy.name,
                  at: when(w.submittedAt),
                  approver: w.approvedBy.name,
                })
              : t("warnings.detail.submitted", { by: w.submittedBy.name, at: when(w.submittedAt) })
          }
        />
      ) : null}
      {w.governedBy ? (
        <Alert
          type="info"
          showIcon
          message={t("warnings.detail.governedBy", { plan: w.governedBy })}
          style={{ marginBottom: 12 }}
        />
      ) : null}
      <Tabs
        items={[
          {
            key: "content",
            label: t("warnings.detail.content"),
            children: (
              <Flex vertical gap={16}>
                <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
                  <Descriptions.Item label={t("warnings.detail.issuer")}>
                    {w.issuingUnitName}
                  </Descriptions.Item>
                  <Descriptions.Item label={t("warnings.detail.category")}>
                    {[w.categoryName, w.subtypeName].filter(Boolean).join(" · ") || "—"}
                  </Descriptions.Item>
                  <Descriptions.Item label={t("warnings.detail.period")}>
                    {period(w.onsetAt, w.expiresAt)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t("warnings.detail.publishedAt")}>
                    {when(w.publishedAt)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t("warnings.detail.drafter")}>{w.drafterName}</Descriptions.Item>
                  <Descriptions.Item label={t("warnings.detail.approvedBy")}>
                    {w.approvedBy?.name ?? "—"}
                  </Descriptions.Item>
                  <Descriptions.Item label={t("warnings.form.precautions")} span="filled">
                    {c.precautions || "—"}
                  </Descriptions.Item>
                  <Descriptions.Item label={t("warnings.form.situation")} span="filled">
                    {c.situation || "—"}
                  </Descriptions.Item>
                  <Descriptions.Item label={t("warnings.form.governmentMeasures")} span="filled">
                    {c.governmentMeasures || "—"}
                  </Descriptions.Item>
                  <Descriptions.Item label={t("warnings.form.publicAdvice")} span="filled">
                    {c.publicAdvice || "—"}
                  </Descriptions.Item>
                  <Descriptions.Item label={t("warnings.form.hotline")}>{c.hotline || "—"}</Descriptions.Item>
                  <Descriptions.Item label={t("warnings.detail.severity")}>{w.capSeverity}</Descriptions.Item>
                  {w.source ? (
                    <Descriptions.Item label={t("warnings.colOrigin")} span="filled">
                      {t("warnings.detail.relayOf", {
                        sender: w.source.senderName ?? w.source.sender,
                        identifier: w.source.identifier,
                      })}
                      {w.source.upstreamCancelled ? (
                        <Alert
                          type="warning"
                          showIcon
                          message={t("warnings.detail.upstreamCancelled", {
                            identifier: w.source.upstreamCancelled.identifier,
                          })}
                        />
                      ) : w.source.upstreamUpdated && w.status === "published" ? (
                        <Alert
                          type="info"
                          showIcon
                          message={t("warnings.detail.upstreamUpdated", {
                            identifier: w.source.upstreamUpdated.identifier,
                          })}
                        />
                      ) : null}
                    </Descriptions.Item>
                  ) : null}
                </Descriptions>
                <Card size="small" title={t("warnings.form.smsPreview")}>
                  <div className="fh-sms-preview">{w.smsText}</div>
                  <Typography.Text type="secondary">
                    {t("warnings.form.smsCount", { chars: w.smsText.length, segments: w.smsSegments })}
                  </Typography.Text>
                </Card>
                {w.response ? (
                  <Card size="small" title={t("warnings.detail.response")}>
                    <Typography.Paragraph style={{ marginBottom: 4 }}>
                      <Typography.Text strong>
                        {w.response.activatedBy.map((a) => a.label).join("、")}
                      </Typography.Text>
                      ：{w.response.task}
                    </Typography.Paragraph>
                    <Typography.Text type="secondary">{w.response.source}</Typography.Text>
                  </Card>
                ) : null}
              </Flex>
            ),
          },
          {
            key: "area",
            label: t("warnings.detail.area"),
            children: (
              <Flex vertical gap={12}>
                <Typography.Text>
                  {[w.area.description, w.areaNames.join("、")].filter(Boolean).join("：") || "—"}
                </Typography.Text>
                <WarningMap features={w.area.features} colour={w.colour as Colour} height={420} />
              </Flex>
            ),
          },
          {
            key: "tasks",
            label: `${t("warnings.detail.tasks")}（${w.tasks.length}）`,
            children: <TaskTable warning={w} onChanged={setWarning} />,
          },
          {
            key: "history",
            label: t("warnings.detail.history"),
            children: (
              <Timeline
                items={w.history.map((h) => ({
                  content: (
                    <Flex vertical>
                      <Typography.Text strong>
                        {h.actionName} · {h.actorName}
                      </Typography.Text>
                      <Typography.Text type="secondary">
                        {when(h.at)}
                        {typeof h.detail.reason === "string" ? ` · ${h.detail.reason}` : ""}
                        {typeof h.detail.note === "string" ? ` · ${h.detail.note}` : ""}
                        {typeof h.detail.identifier === "string" ? ` · ${h.detail.identifier}` : ""}
                      </Typography.Text>
                    </Flex>
                  ),
                }))}
              />
            ),
          },
          {
            key: "cap",
            label: t("warnings.detail.cap"),
            children:
              w.messages.length === 0 ? (
                <Empty description={t("warnings.detail.noMessages")} />
              ) : (
                <Table
                  rowKey="seq"
                  size="small"
                  pagination={false}
                  dataSource={w.messages}
                  columns={[
                    { title: "#", dataIndex: "seq", width: 48 },
                    {
                      title: "identifier",
                      dataIndex: "identifier",
                      render: (v: string) => <span className="fh-mono">{v}</span>,
                    },
                    { title: "msgType", dataIndex: "msgType", width: 90 },
                    { title: "scope", dataIndex: "scope", width: 100 },
                    { title: "sent", dataIndex: "sentAt", width: 150, render: (v: string) => when(v) },
                    {
                      title: "",
                      key: "dl",
                      width: 80,
                      render: (_: unknown, m: { seq: number }) => (
                        <a
                          href={`/api/warnings/${w.id}/cap.xml?seq=${m.seq}`}
                          target="_blank"
                          rel="noreferrer"
                        >
                          {t("warnings.detail.download")}
                        </a>
                      ),
                    },
                  ]}
                />
              ),
          },
          { key: "deliveries", label: t("warnings.detail.deliveries"), children: <Deliveries warning={w} /> },
        ]}
      />
      <ActionModal
        action={action}
        warning={w}
        meta={meta}
        onClose={() => setAction(undefined)}
        onDone={(next) => {
          setWarning(next);
          message.success(t("warnings.actions.done", { action: action ? actionLabel(t, action, w) : "" }));
          setAction(undefined);
        }}
      />
      {w.publicState === "released" ? (
        <Typography.Paragraph style={{ marginTop: 16 }}>
          <Link to={`/public/warnings/${w.id}`}>{t("warnings.onPortal")}</Link>
        </Typography.Paragraph>
      ) : null}
    </div>
  );
}
