import { Alert, App, Button, Form, Input, Select, Space, Tag, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { SOURCE_CHANNEL_LABELS, type SourceChannel } from "../../../../shared/incidents.js";
import { errorMessage } from "../../api/client.js";
import { useSession } from "../../auth/session.js";
import { formatDateTime } from "../../lib/format.js";
import { type IncidentDetail, incidentsApi, type ReportPreview } from "./api.js";

/** What the desk already knows, so a 初报 at 3 a.m. is mostly checking rather than typing. */
function prefill(incident: IncidentDetail, provider: string): Record<string, string> {
  const f = incident.figures;
  const casualties = [
    f.deaths ? `死亡 ${f.deaths} 人` : "",
    f.injuries ? `受伤 ${f.injuries} 人` : "",
    f.missing ? `失踪 ${f.missing} 人` : "",
    f.trapped ? `被困 ${f.trapped} 人` : "",
  ]
    .filter(Boolean)
    .join("，");
  return {
    time: formatDateTime(incident.occurredAt).slice(0, 16),
    place: [incident.divisionName, incident.address].filter(Boolean).join(" "),
    info_source: SOURCE_CHANNEL_LABELS[incident.sourceChannel as SourceChannel] ?? incident.sourceChannel,
    category: `${incident.categoryName} / ${incident.subtypeName}`,
    casualties: casualties || (Object.keys(f).length > 0 ? "无人员伤亡" : ""),
    affected_area: f.evacuated ? `疏散 ${f.evacuated} 人` : "",
    provider,
  };
}

/** Report composer: required fields of the plan, a live preview (missing fields, addressees, deadlines met). */
export function ReportComposer({ incident, onFiled }: { incident: IncidentDetail; onFiled: () => void }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const session = useSession();
  const user = session.state.status === "authenticated" ? session.state.user : undefined;
  const hasInitial = incident.reports.some((r) => r.kind === "initial");
  const [kind, setKind] = useState<string>(hasInitial ? "continuing" : "initial");
  const [fields, setFields] = useState<Record<string, string>>(() =>
    prefill(incident, user ? `${user.unitName} ${user.displayName}` : ""),
  );
  const [preview, setPreview] = useState<ReportPreview>();
  const [busy, setBusy] = useState(false);
  const nameOf = useMemo(() => new Map(incident.requiredFields.map((f) => [f.id, f.name])), [incident]);

  useEffect(() => {
    setKind(hasInitial ? "continuing" : "initial");
  }, [hasInitial]);

  useEffect(() => {
    const timer = window.setTimeout(() => {
      incidentsApi
        .preview(incident.id, kind, fields)
        .then(setPreview)
        .catch(() => setPreview(undefined));
    }, 250);
    return () => window.clearTimeout(timer);
  }, [incident.id, kind, fields]);

  const missing = preview?.missing ?? [];
  const kindName = t(`incidents.reportKinds.${kind as "initial"}`);

  const submit = () => {
    modal.confirm({
      title: t("incidents.composerTitle"),
      content:
        kind === "final" ? t("incidents.confirmFinal") : t("incidents.confirmReport", { kind: kindName }),
      okText: t("incidents.submitReport"),
      cancelText: t("common.cancel"),
      onOk: async () => {
        setBusy(true);
        try {
          await incidentsApi.fileReport(incident.id, kind, fields);
          message.success(t("incidents.reported", { kind: kindName }));
          onFiled();
        } catch (error) {
          message.error(errorMessage(error));
        } finally {
          setBusy(false);
        }
      },
    });
  };

  return (
    <div className="fh-composer">
      <Form layout="vertical">
        <Form.Item label={t("incidents.reportKind")}>
          <Select
            value={kind}
            onChange={setKind}
            options={(["initial", "continuing", "final"] as const).map((k) => ({
              value: k,
              label: t(`incidents.reportKinds.${k}`),
              disabled: k === "initial" ? hasInitial : !hasInitial,
            }))}
          />
        </Form.Item>
        {incident.requiredFields.map((f) => (
          <Form.Item
            key={f.id}
            label={f.name}
            required
            validateStatus={missing.some((m) => m.path === `fields.${f.id}`) ? "warning" : undefined}
          >
            <Input.TextArea
              autoSize={{ minRows: 1, maxRows: 4 }}
              value={fields[f.id] ?? ""}
              aria-label={f.name}
              onChange={(e) => setFields((prev) => ({ ...prev, [f.id]: e.target.value }))}
            />
          </Form.Item>
        ))}
      </Form>
      <div className="fh-preview" aria-live="polite">
        {preview?.conflict ? (
          <Alert type="warning" showIcon title={preview.conflict} style={{ marginBottom: 8 }} />
        ) : null}
        {missing.length > 0 ? (
          <Alert
            type="warning"
            showIcon
            title={t("incidents.missing", {
              fields: missing.map((m) => nameOf.get(m.path.replace("fields.", "")) ?? m.path).join("、"),
            })}
          />
        ) : (
          <Alert type="success" showIcon title={t("incidents.complete")} />
        )}
        <Typography.Paragraph style={{ margin: "8px 0 4px" }}>
          <Typography.Text strong>{t("incidents.addressees")}：</Typography.Text>
          {(preview?.addressees ?? []).join("、")}
        </Typography.Paragraph>
        <Space wrap size={4}>
          <Typography.Text strong>{t("incidents.meets")}：</Typography.Text>
          {(preview?.meets ?? []).map((m) => (
            <Tag key={m.id} color={m.lateMinutes > 0 ? "orange" : "green"}>
              {m.name}
              {m.lateMinutes > 0 ? ` · ${t("incidents.late", { minutes: m.lateMinutes })}` : ""}
            </Tag>
          ))}
        </Space>
      </div>
      <Button
        type="primary"
        size="large"
        block
        loading={busy}
        disabled={missing.length > 0 || Boolean(preview?.conflict)}
        onClick={submit}
      >
        {t("incidents.submitReport")}
        {kindName}
      </Button>
    </div>
  );
}
