import { DownloadOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Form,
  Input,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../api/client.js";
import { formatDateTime } from "../../lib/format.js";
import { responseApi, type Workspace } from "./api.js";
import { SimpleList } from "./SimpleList.js";

const VERDICT_COLOURS: Record<string, string> = {
  on_time: "green",
  late: "orange",
  missed: "red",
  pending: "blue",
  cancelled: "default",
};

/** 区应急委决策 (000 §4.3.2) with who proposed and who approved. */
export function DecisionsPanel({ w, onChanged }: { w: Workspace; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{
    decisionType: string;
    trigger: "leader" | "proposal";
    proposedByUnitId?: string;
    content: string;
    meeting?: string;
  }>();
  const trigger = Form.useWatch("trigger", form);
  return (
    <Space orientation="vertical" size={12} style={{ width: "100%" }}>
      {!w.plan.decisionApplies ? (
        <Alert type="info" showIcon title={t("response.decisions.notApplicable")} />
      ) : null}
      {w.allowedActions.includes("decide") ? (
        <Card size="small" title={t("response.decisions.add")}>
          <Form
            form={form}
            layout="vertical"
            initialValues={{ trigger: "proposal", proposedByUnitId: w.plan.decisionProposers[0]?.id }}
            onFinish={async (v) => {
              try {
                await responseApi.decide(w.incident.id, {
                  decisionType: v.decisionType,
                  content: v.content,
                  trigger: v.trigger,
                  ...(v.trigger === "proposal" && v.proposedByUnitId
                    ? { proposedByUnitId: v.proposedByUnitId }
                    : {}),
                  ...(v.meeting ? { meeting: v.meeting } : {}),
                });
                message.success(t("response.decisions.saved"));
                form.resetFields(["content", "meeting"]);
                onChanged();
              } catch (error) {
                message.error(errorMessage(error));
              }
            }}
          >
            <Form.Item
              name="decisionType"
              label={t("response.decisions.type")}
              rules={[{ required: true, message: t("response.decisions.typeRequired") }]}
            >
              <Select
                options={w.plan.decisionTypes.map((d) => ({ value: d.id, label: `${d.no}. ${d.text}` }))}
              />
            </Form.Item>
            <Form.Item name="trigger" label={t("response.decisions.trigger")}>
              <Radio.Group
                options={[
                  { value: "proposal", label: t("response.decisions.triggers.proposal") },
                  { value: "leader", label: t("response.decisions.triggers.leader") },
                ]}
              />
            </Form.Item>
            {trigger === "proposal" ? (
              <Form.Item name="proposedByUnitId" label={t("response.decisions.proposedBy")}>
                <Select options={w.plan.decisionProposers.map((u) => ({ value: u.id, label: u.name }))} />
              </Form.Item>
            ) : null}
            <Form.Item
              name="content"
              label={t("response.decisions.content")}
              rules={[{ required: true, message: t("response.decisions.contentRequired") }]}
            >
              <Input.TextArea rows={2} maxLength={4000} />
            </Form.Item>
            <Form.Item name="meeting" label={t("response.decisions.meeting")}>
              <Input maxLength={100} />
            </Form.Item>
            <Button type="primary" htmlType="submit">
              {t("response.decisions.add")}
            </Button>
          </Form>
        </Card>
      ) : null}
      <SimpleList
        items={w.decisions}
        empty={t("response.decisions.none")}
        rowKey={(d) => d.id}
        render={(d) => (
          <>
            <Space orientation="vertical" size={0}>
              <Typography.Text strong>{d.content}</Typography.Text>
              <Typography.Text type="secondary">{d.decisionText}</Typography.Text>
              <Typography.Text type="secondary">
                {formatDateTime(d.decidedAt)} · {d.proposedBy ? `${d.proposedBy}建议 · ` : ""}
                {d.meeting ? `${d.meeting} · ` : ""}
                {t("response.decisions.approvedBy", { name: d.approvedByName, as: d.approvedAs })}
              </Typography.Text>
            </Space>
          </>
        )}
      />
    </Space>
  );
}

/** Reporting: the timeliness of every deadline, and a 续报 drafted from current data. */
export function ReportsPanel({ w, onChanged }: { w: Workspace; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [draft, setDraft] = useState<{
    fields: Record<string, string>;
    requiredFields: { id: string; name: string }[];
  }>();
  const [form] = Form.useForm<Record<string, string>>();
  return (
    <Space orientation="vertical" size={12} style={{ width: "100%" }}>
      <Table
        rowKey={(r) => `${r.name}-${r.dueAt}`}
        size="small"
        pagination={false}
        dataSource={w.timeliness}
        title={() => t("response.reports.timeliness")}
        columns={[
          { title: t("response.reports.deadline"), dataIndex: "name" },
          {
            title: t("response.reports.due"),
            dataIndex: "dueAt",
            width: 150,
            render: (v: string) => formatDateTime(v).slice(5, 16),
          },
          {
            title: t("response.reports.met"),
            dataIndex: "metAt",
            width: 150,
            render: (v: string | null) => (v ? formatDateTime(v).slice(5, 16) : "—"),
          },
          {
            title: t("response.reports.result"),
            dataIndex: "verdictLabel",
            width: 110,
            render: (v: string, r) => <Tag color={VERDICT_COLOURS[r.verdict]}>{v}</Tag>,
          },
          {
            title: t("response.reports.minutes"),
            dataIndex: "minutes",
            width: 70,
            render: (v: number | null) => v ?? "—",
          },
        ]}
      />
      <Typography.Text type="secondary">
        {t("response.reports.reports", { count: w.reports.length })}
      </Typography.Text>
      {w.allowedActions.includes("draftReport") ? (
        <Button
          onClick={async () => {
            try {
              const d = await responseApi.situation(w.incident.id);
              setDraft(d);
              form.setFieldsValue(d.fields);
            } catch (error) {
              message.error(errorMessage(error));
            }
          }}
        >
          {t("response.reports.draft")}
        </Button>
      ) : null}
      {draft ? (
        <Card size="small" title={t("response.reports.draftTitle")}>
          <Form
            form={form}
            layout="vertical"
            onFinish={(values) =>
              modal.confirm({
                title: t("response.reports.submitDraft"),
                content: t("response.reports.submitConfirm"),
                onOk: async () => {
                  try {
                    await responseApi.fileContinuing(w.incident.id, values);
                    message.success(t("response.reports.submitted"));
                    setDraft(undefined);
                    onChanged();
                  } catch (error) {
                    message.error(errorMessage(error));
                  }
                },
              })
            }
          >
            {draft.requiredFields.map((f) => (
              <Form.Item key={f.id} name={f.id} label={f.name} rules={[{ required: true, message: f.name }]}>
                <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} />
              </Form.Item>
            ))}
            <Button type="primary" htmlType="submit">
              {t("response.reports.submitDraft")}
            </Button>
          </Form>
        </Card>
      ) : null}
    </Space>
  );
}

/** 总结评估 (000 §4.9): the deadlines, the editable parts, submission and the documents. */
export function AssessmentPanel({ w, onChanged }: { w: Workspace; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<{ causes: string; lessons: string; improvements: string }>();
  const r = w.response;
  if (!r) {
    return <Empty description={t("response.noResponse")} />;
  }
  const editable = w.allowedActions.includes("editAssessment");
  return (
    <Space orientation="vertical" size={12} style={{ width: "100%" }}>
      <Space wrap>
        <a href={responseApi.docxUrl(w.incident.id)} download data-testid="download-docx">
          <Button icon={<DownloadOutlined />}>{t("response.assessment.docx")}</Button>
        </a>
        <a href={responseApi.pdfUrl(w.incident.id)} download>
          <Button icon={<DownloadOutlined />}>{t("response.assessment.pdf")}</Button>
        </a>
      </Space>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        title={() => t("response.assessment.deadlines")}
        dataSource={w.assessments}
        locale={{ emptyText: t("response.assessment.none") }}
        columns={[
          { title: t("response.assessment.report"), dataIndex: "name" },
          {
            title: t("response.assessment.target"),
            dataIndex: "targetAt",
            width: 140,
            render: (v: string) => formatDateTime(v).slice(0, 16),
          },
          {
            title: t("response.assessment.cap"),
            dataIndex: "hardCapAt",
            width: 140,
            render: (v: string | null) => (v ? formatDateTime(v).slice(0, 16) : "—"),
          },
          {
            title: t("response.tasks.status"),
            dataIndex: "state",
            width: 90,
            render: (s: string) => (
              <Tag color={s === "overdue" ? "red" : s === "submitted" ? "green" : "blue"}>
                {t(`response.assessment.states.${s}` as "response.assessment.states.pending")}
              </Tag>
            ),
          },
        ]}
      />
      <Form
        form={form}
        layout="vertical"
        disabled={!editable}
        initialValues={{ causes: r.causes, lessons: r.lessons, improvements: r.improvements }}
        onFinish={async (v) => {
          try {
            await responseApi.saveAssessment(w.incident.id, v);
            message.success(t("response.assessment.saved"));
            onChanged();
          } catch (error) {
            message.error(errorMessage(error));
          }
        }}
      >
        <Form.Item name="causes" label={t("response.assessment.causes")}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
        </Form.Item>
        <Form.Item name="lessons" label={t("response.assessment.lessons")}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
        </Form.Item>
        <Form.Item name="improvements" label={t("response.assessment.improvements")}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
        </Form.Item>
        {editable ? (
          <Space>
            <Button htmlType="submit">{t("response.assessment.save")}</Button>
            {w.allowedActions.includes("submitAssessment") ? (
              <Button
                type="primary"
                onClick={() =>
                  modal.confirm({
                    title: t("response.assessment.submit"),
                    content: t("response.assessment.submitConfirm"),
                    onOk: async () => {
                      try {
                        await responseApi.saveAssessment(w.incident.id, form.getFieldsValue());
                        await responseApi.submitAssessment(w.incident.id);
                        message.success(t("response.assessment.submitted"));
                        onChanged();
                      } catch (error) {
                        message.error(errorMessage(error));
                      }
                    },
                  })
                }
              >
                {t("response.assessment.submit")}
              </Button>
            ) : null}
          </Space>
        ) : null}
      </Form>
    </Space>
  );
}

/** Dispatched resources (resources module) and published warnings of the same kind. */
export function ResourcesPanel({ w }: { w: Workspace }) {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" size={12} style={{ width: "100%" }}>
      <Card size="small" title={t("response.resources.dispatches", { count: w.dispatches.length })}>
        <SimpleList
          items={w.dispatches}
          empty={t("response.resources.none")}
          rowKey={(d) => d.id}
          render={(d) => (
            <>
              {d.resourceName} × {d.quantity} <Tag>{d.state}</Tag>
            </>
          )}
        />
      </Card>
      <Card size="small" title={t("response.resources.warnings", { count: w.warnings.length })}>
        <SimpleList
          items={w.warnings}
          empty={t("response.resources.none")}
          rowKey={(x) => x.id}
          render={(x) => (
            <>
              <Tag color={x.colour}>{x.colour}</Tag> {x.title}{" "}
              <Typography.Text type="secondary">{formatDateTime(x.publishedAt)}</Typography.Text>
            </>
          )}
        />
      </Card>
    </Space>
  );
}
