import { Col, Row, Table, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { AuditEntry } from "../../api/types.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (value === undefined) {
    return "—";
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

interface Change {
  field: string;
  before: unknown;
  after: unknown;
}

/** Top-level fields whose values differ between before and after (what a reviewer looks for first). */
export function changedFields(before: unknown, after: unknown): Change[] {
  if (!isRecord(before) && !isRecord(after)) {
    return [];
  }
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys
    .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((field) => ({ field, before: b[field], after: a[field] }));
}

function JsonBlock({ label, value }: { label: string; value: unknown }) {
  return (
    <>
      <Typography.Text type="secondary">{label}</Typography.Text>
      <pre className="fh-json fh-mono">
        {value === null || value === undefined ? "null" : JSON.stringify(value, null, 2)}
      </pre>
    </>
  );
}

/** The expanded row of an audit entry: the changed fields, then the raw before/after JSON. */
export function AuditChanges({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const changes = changedFields(entry.before, entry.after);
  return (
    <div data-testid="audit-changes">
      {changes.length > 0 ? (
        <Table<Change>
          size="small"
          rowKey="field"
          pagination={false}
          dataSource={changes}
          style={{ marginBottom: 12 }}
          title={() => t("audit.changes")}
          columns={[
            { key: "field", title: t("audit.field"), dataIndex: "field", width: 180, className: "fh-mono" },
            {
              key: "before",
              title: t("audit.before"),
              render: (_, c) => <span className="fh-mono">{show(c.before)}</span>,
            },
            {
              key: "after",
              title: t("audit.after"),
              render: (_, c) => <span className="fh-mono">{show(c.after)}</span>,
            },
          ]}
        />
      ) : null}
      <Row gutter={12}>
        <Col xs={24} md={12}>
          <JsonBlock label={t("audit.before")} value={entry.before} />
        </Col>
        <Col xs={24} md={12}>
          <JsonBlock label={t("audit.after")} value={entry.after} />
        </Col>
      </Row>
      <Typography.Paragraph type="secondary" className="fh-mono" style={{ marginTop: 8, marginBottom: 0 }}>
        {t("audit.requestId")}: {entry.requestId ?? "—"} · {t("audit.hash")}: {entry.hash}
      </Typography.Paragraph>
    </div>
  );
}
