import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Descriptions,
  Flex,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Spin,
  Tabs,
  Tag,
  Timeline,
  Typography,
} from "antd";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { errorMessage } from "../../api/client.js";
import { PageHeader } from "../../components/PageHeader.js";
import { formatDateTime, shanghaiToIso } from "../../lib/format.js";
import { responseApi, type Workspace } from "./api.js";
import { CommandPostPanel, CordonModal } from "./CommandPostPanel.js";
import { STATE_COLOURS } from "./ResponseListPage.js";
import { ResponseMap } from "./ResponseMap.js";
import { TaskBoard } from "./TaskBoard.js";
import { AssessmentPanel, DecisionsPanel, ReportsPanel, ResourcesPanel } from "./WorkspacePanels.js";
import "./response.css";

const LIVE_TYPES = [
  "incident.updated",
  "incident.level_changed",
  "deadline.state",
  "report.filed",
  "response.activated",
  "response.level_changed",
  "response.decision",
  "response.end_requested",
  "response.ended",
  "command_post.created",
  "command_post.updated",
  "task.created",
  "task.updated",
  "task.overdue",
];

/** Reloads when anything about this incident changes on the server (SSE), at most every 300 ms. */
function useWorkspaceStream(incidentId: string, onChange: () => void): boolean {
  const [connected, setConnected] = useState(false);
  const callback = useRef(onChange);
  callback.current = onChange;
  useEffect(() => {
    const source = new EventSource("/api/stream");
    let timer: number | undefined;
    const onEvent = (e: MessageEvent<string>) => {
      try {
        const data = JSON.parse(e.data) as { entityId?: string };
        if (data.entityId !== incidentId && data.entityId !== "*") {
          return;
        }
      } catch {
        // reload on anything unreadable
      }
      timer ??= window.setTimeout(() => {
        timer = undefined;
        callback.current();
      }, 300);
    };
    source.addEventListener("ready", () => setConnected(true));
    source.onerror = () => setConnected(false);
    for (const type of LIVE_TYPES) {
      source.addEventListener(type, onEvent as EventListener);
    }
    return () => {
      window.clearTimeout(timer);
      source.close();
    };
  }, [incidentId]);
  return connected;
}

type Dialog = "activate" | "upgrade" | "downgrade" | "end" | undefined;

function LevelModal({
  w,
  kind,
  onClose,
}: {
  w: Workspace;
  kind: "activate" | "upgrade" | "downgrade";
  onClose: (ok: boolean) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ level: string; reason?: string }>();
  const level = Form.useWatch("level", form);
  // Only the levels the server's policy lets this user choose (a level they may not take is not offered).
  const offered = new Set(w.levelOptions[kind]);
  const choices = w.plan.levels.filter((l) => offered.has(l.id));
  const initial =
    kind === "activate"
      ? (choices.find((l) => l.id === w.plan.expectedLevel)?.id ?? choices[0]?.id)
      : choices[kind === "upgrade" ? 0 : choices.length - 1]?.id;
  const chosen = w.plan.levels.find((l) => l.id === level);
  const needsReason = kind !== "activate" || level !== w.plan.expectedLevel;
  const title = kind === "activate" ? t("response.activate") : t("response.changeLevelTitle");
  return (
    <Modal
      open
      title={title}
      okText={title}
      onCancel={() => onClose(false)}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ level: initial }}
        onFinish={async (v) => {
          try {
            if (kind === "activate") {
              await responseApi.activate(w.incident.id, v.level, v.reason);
            } else {
              await responseApi.changeLevel(w.incident.id, kind, v.level, v.reason ?? "");
            }
            message.success(t("response.done"));
            onClose(true);
          } catch (error) {
            message.error(errorMessage(error));
          }
        }}
      >
        {w.plan.expectedLevel ? (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            title={t("response.expected", {
              level: w.plan.levels.find((l) => l.id === w.plan.expectedLevel)?.name ?? "",
            })}
          />
        ) : null}
        <Form.Item
          name="level"
          label={t("response.level")}
          rules={[{ required: true, message: t("response.levelRequired") }]}
        >
          <Select options={choices.map((l) => ({ value: l.id, label: l.name }))} data-testid="level-select" />
        </Form.Item>
        {chosen ? (
          <Typography.Paragraph type="secondary">
            {t("response.activatedBy", { who: chosen.activatedBy.join("；或 ") })}（{chosen.source}）
            {chosen.alsoWhen.length > 0 ? (
              <>
                <br />
                {chosen.alsoWhen.join("；")}
              </>
            ) : null}
          </Typography.Paragraph>
        ) : null}
        <Form.Item
          name="reason"
          label={t("response.reason")}
          extra={t("response.reasonHint")}
          rules={needsReason ? [{ required: true, message: t("response.reasonRequired") }] : []}
        >
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The end of the response: the warning is the confirmation; the summary is recorded. */
function EndModal({ w, onClose }: { w: Workspace; onClose: (ok: boolean) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ summary?: string; unitId?: string; announcedAt?: string; docNo?: string }>();
  // 000 §4.9 较大以上: the end is the city department's announcement, entered here.
  const announced = w.plan.endAnnouncedBy;
  const actions = w.allowedActions;
  const approving = actions.includes("approveEnd");
  const requesting = actions.includes("requestEnd");
  const title = approving
    ? t("response.approveEndConfirmTitle")
    : requesting
      ? t("response.requestEndConfirmTitle")
      : t("response.endConfirmTitle");
  const okText = approving
    ? t("response.approveEnd")
    : requesting
      ? t("response.requestEnd")
      : t("response.end");
  return (
    <Modal
      open
      title={title}
      okText={okText}
      okButtonProps={{ danger: true, ...({ "data-testid": "confirm-end" } as Record<string, string>) }}
      onCancel={() => onClose(false)}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Alert
        type="warning"
        showIcon
        style={{ marginBottom: 12 }}
        title={
          requesting
            ? t("response.requestEndConfirmBody", { who: w.plan.endApprovedBy.join("、") })
            : t("response.endConfirmBody")
        }
      />
      {w.plan.endConditions ? (
        <Typography.Paragraph type="secondary">{w.plan.endConditions}</Typography.Paragraph>
      ) : null}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ summary: w.response?.endRequestNote ?? "" }}
        onFinish={async (v) => {
          try {
            const announcement =
              announced && v.unitId && v.announcedAt && v.docNo
                ? { unitId: v.unitId, announcedAt: shanghaiToIso(v.announcedAt), docNo: v.docNo.trim() }
                : undefined;
            await responseApi.end(w.incident.id, v.summary?.trim() || undefined, announcement);
            message.success(t("response.done"));
            onClose(true);
          } catch (error) {
            message.error(errorMessage(error));
          }
        }}
      >
        {announced ? (
          <>
            <Typography.Paragraph>
              {t("response.endAnnouncedBy", { who: announced.label })}
            </Typography.Paragraph>
            <Form.Item name="unitId" label={t("response.endAnnouncer")} rules={[{ required: true }]}>
              <Select
                data-testid="end-announcer"
                showSearch
                optionFilterProp="label"
                options={announced.units.map((u) => ({ value: u.id, label: u.name }))}
              />
            </Form.Item>
            <Form.Item name="announcedAt" label={t("response.endAnnouncedAt")} rules={[{ required: true }]}>
              <Input type="datetime-local" data-testid="end-announced-at" />
            </Form.Item>
            <Form.Item name="docNo" label={t("response.endDocNo")} rules={[{ required: true }]}>
              <Input maxLength={200} data-testid="end-doc-no" />
            </Form.Item>
          </>
        ) : null}
        <Form.Item name="summary" label={t("response.endSummary")} extra={t("response.endSummaryHint")}>
          <Input.TextArea rows={3} maxLength={4000} data-testid="end-summary" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 处置工作台: the live incident workspace (map, timeline, post, tasks, reports, decisions, assessment). */
export function IncidentWorkspacePage() {
  const { t } = useTranslation();
  const { incidentId = "" } = useParams();
  const [w, setW] = useState<Workspace>();
  const [error, setError] = useState<string>();
  const [dialog, setDialog] = useState<Dialog>();
  const [drawing, setDrawing] = useState(false);
  const [drawn, setDrawn] = useState<[number, number][]>();
  const [tab, setTab] = useState("post");

  const load = useCallback(() => {
    responseApi
      .workspace(incidentId)
      .then((x) => {
        setW(x);
        setError(undefined);
      })
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [incidentId]);
  useEffect(load, [load]);
  const live = useWorkspaceStream(incidentId, load);
  const onDraw = useCallback((points: [number, number][] | null) => {
    setDrawing(false);
    if (points) {
      setDrawn(points);
    }
  }, []);

  if (!w) {
    return error ? <Alert type="error" showIcon title={error} /> : <Spin />;
  }
  const r = w.response;
  const actions = w.allowedActions;
  const overdue = w.tasks.filter((x) => x.overdue).length;
  const close = (ok: boolean) => {
    setDialog(undefined);
    if (ok) {
      load();
    }
  };

  return (
    <>
      <PageHeader
        title={`${t("response.workspaceTitle")} · ${w.incident.number}`}
        extra={
          <>
            <Badge
              status={live ? "processing" : "error"}
              text={live ? t("incidents.live") : t("incidents.offline")}
            />
            {actions.includes("activate") ? (
              <Button type="primary" danger onClick={() => setDialog("activate")} data-testid="activate">
                {t("response.activate")}
              </Button>
            ) : null}
            {actions.includes("upgrade") ? (
              <Button onClick={() => setDialog("upgrade")}>{t("response.upgrade")}</Button>
            ) : null}
            {actions.includes("downgrade") ? (
              <Button onClick={() => setDialog("downgrade")}>{t("response.downgrade")}</Button>
            ) : null}
            {actions.includes("end") || actions.includes("requestEnd") || actions.includes("approveEnd") ? (
              <Button danger onClick={() => setDialog("end")} data-testid="end-response">
                {actions.includes("approveEnd")
                  ? t("response.approveEnd")
                  : actions.includes("requestEnd")
                    ? t("response.requestEnd")
                    : t("response.end")}
              </Button>
            ) : null}
          </>
        }
      />
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
      <Card size="small" className="fh-response-summary">
        <Flex gap={16} wrap align="center">
          <Typography.Text strong className="fh-response-title">
            {w.incident.title}
          </Typography.Text>
          <Tag color="volcano">{w.incident.gradeName}</Tag>
          <Typography.Text type="secondary">
            {w.incident.categoryName}·{w.incident.subtypeName} · {w.incident.place} ·{" "}
            {formatDateTime(w.incident.occurredAt)}
          </Typography.Text>
          <Link to={`/duty/incidents/${w.incident.id}`}>{t("response.incidentDetail")}</Link>
        </Flex>
        <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }} style={{ marginTop: 8 }}>
          <Descriptions.Item label={t("response.level")}>
            {r ? (
              <Space size={4}>
                <Tag color="red" data-testid="response-level">
                  {r.levelName}
                </Tag>
                <Tag color={STATE_COLOURS[r.state]} data-testid="response-state">
                  {t(`response.states.${r.state}`)}
                </Tag>
              </Space>
            ) : (
              <Tag data-testid="response-state">{t("response.states.none")}</Tag>
            )}
          </Descriptions.Item>
          {r ? (
            <Descriptions.Item label={t("response.columns.activatedAt")}>
              {t("response.activatedInfo", {
                at: formatDateTime(r.activatedAt),
                unit: r.activatingUnit.name,
                by: r.activatedByName ?? "",
              })}
            </Descriptions.Item>
          ) : (
            <Descriptions.Item label={t("response.columns.level")}>
              {t("response.expected", {
                level: w.plan.levels.find((l) => l.id === w.plan.expectedLevel)?.name ?? "—",
              })}
            </Descriptions.Item>
          )}
          {r && r.state !== "ended" ? (
            <Descriptions.Item label={t("response.endLabel")}>
              {t("response.endBy", { who: w.plan.endBy.join("；或 ") })}
              {w.plan.endApprovedBy.length > 0
                ? `；${t("response.endApprovedBy", { who: w.plan.endApprovedBy.join("；或 ") })}`
                : ""}
            </Descriptions.Item>
          ) : null}
        </Descriptions>
        {r?.upperLevelRequest ? (
          <Alert
            type="warning"
            showIcon
            style={{ marginTop: 8 }}
            title={t("response.upperRequest", { text: r.upperLevelRequest })}
          />
        ) : null}
        {r?.state === "end_requested" ? (
          <Alert
            type="warning"
            showIcon
            style={{ marginTop: 8 }}
            title={t("response.endRequestedInfo", {
              at: formatDateTime(r.endRequestedAt),
              by: r.endRequestedByName ?? "",
              who: w.plan.endApprovedBy.join("、"),
            })}
          />
        ) : null}
        {r?.state === "ended" ? (
          <Alert
            type="success"
            showIcon
            style={{ marginTop: 8 }}
            data-testid="ended-banner"
            title={`${t("response.endedInfo", { at: formatDateTime(r.endedAt), by: r.endedByName ?? "" })}${
              r.endApprovedByName ? t("response.approvedInfo", { by: r.endApprovedByName }) : ""
            }${r.endSummary ? `：${r.endSummary}` : ""}`}
          />
        ) : null}
      </Card>

      <div className="fh-workspace">
        <div className="fh-workspace-left">
          <Card size="small" className="fh-map-card">
            <ResponseMap workspace={w} drawing={drawing} onDraw={onDraw} />
          </Card>
          <Card size="small" title={t("response.tabs.timeline")} className="fh-timeline-card">
            <Timeline
              items={[...w.timeline].reverse().map((e) => ({
                key: e.id,
                color: e.type.includes("overdue") ? "red" : e.type.startsWith("response") ? "orange" : "blue",
                content: (
                  <>
                    <Typography.Text type="secondary" className="fh-time">
                      {formatDateTime(e.at).slice(5, 16)}
                    </Typography.Text>{" "}
                    {e.summary}
                  </>
                ),
              }))}
            />
          </Card>
        </div>
        <Card size="small" className="fh-workspace-right">
          <Tabs
            activeKey={tab}
            onChange={setTab}
            items={[
              {
                key: "post",
                label: t("response.tabs.post"),
                children: (
                  <CommandPostPanel
                    w={w}
                    onChanged={load}
                    onDrawCordon={() => {
                      setDrawing(true);
                    }}
                  />
                ),
              },
              {
                key: "tasks",
                label: (
                  <span data-testid="tab-tasks">
                    {t("response.tabs.tasks")} {overdue > 0 ? <Tag color="red">{overdue}</Tag> : null}
                  </span>
                ),
                children: <TaskBoard w={w} onChanged={load} />,
              },
              {
                key: "decisions",
                label: t("response.tabs.decisions"),
                children: <DecisionsPanel w={w} onChanged={load} />,
              },
              {
                key: "reports",
                label: t("response.tabs.reports"),
                children: <ReportsPanel w={w} onChanged={load} />,
              },
              {
                key: "assessment",
                label: t("response.tabs.assessment"),
                children: <AssessmentPanel key={r?.state ?? "none"} w={w} onChanged={load} />,
              },
              { key: "resources", label: t("response.tabs.resources"), children: <ResourcesPanel w={w} /> },
            ]}
          />
        </Card>
      </div>
      {dialog === "activate" || dialog === "upgrade" || dialog === "downgrade" ? (
        <LevelModal w={w} kind={dialog} onClose={close} />
      ) : null}
      {dialog === "end" ? <EndModal w={w} onClose={close} /> : null}
      {drawn && w.post ? (
        <CordonModal
          postId={w.post.id}
          points={drawn}
          onClose={(saved) => {
            setDrawn(undefined);
            if (saved) {
              load();
            }
          }}
        />
      ) : null}
    </>
  );
}
