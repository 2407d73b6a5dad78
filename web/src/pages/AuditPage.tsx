import { SafetyCertificateOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Empty, Flex, Table, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, errorMessage } from "../api/client.js";
import type { AuditEntry, AuditVerifyResult, Page } from "../api/types.js";
import { AuditChanges } from "../components/audit/AuditChanges.js";
import { AuditFilters, type AuditQuery } from "../components/audit/AuditFilters.js";
import { ErrorResult } from "../components/ErrorResult.js";
import { PageHeader } from "../components/PageHeader.js";
import { useCursorList } from "../hooks/useCursorList.js";
import { formatDateTime } from "../lib/format.js";
import { auditActionLabel, entityTypeLabel } from "../lib/labels.js";

type Verification = { result: AuditVerifyResult } | { error: string };

function VerificationAlert({ verification }: { verification: Verification }) {
  const { t } = useTranslation();
  if ("error" in verification) {
    return <Alert type="error" showIcon title={verification.error} />;
  }
  const { result } = verification;
  if (result.ok) {
    return (
      <Alert
        type="success"
        showIcon
        title={t("audit.verifyOk", { rows: result.rows })}
        data-testid="verify-result"
      />
    );
  }
  const reason = result.reason ?? "";
  return (
    <Alert
      type="error"
      showIcon
      data-testid="verify-result"
      title={
        result.firstBadSeq !== undefined
          ? t("audit.verifyBad", { seq: result.firstBadSeq, reason })
          : t("audit.verifyBadNoSeq", { reason })
      }
    />
  );
}

/** 审计: the append-only log, newest first, with its hash chain check. Times in Beijing time. */
export function AuditPage() {
  const { t } = useTranslation();
  const [query, setQuery] = useState<AuditQuery>({});
  const [verifying, setVerifying] = useState(false);
  const [verification, setVerification] = useState<Verification | undefined>(undefined);
  const list = useCursorList(JSON.stringify(query), (cursor) =>
    api.get<Page<AuditEntry>>("/api/audit", { ...query, limit: 50, cursor }),
  );

  const verify = async () => {
    setVerifying(true);
    try {
      setVerification({ result: await api.get<AuditVerifyResult>("/api/audit/verify") });
    } catch (error) {
      setVerification({ error: errorMessage(error) });
    } finally {
      setVerifying(false);
    }
  };

  return (
    <>
      <PageHeader
        title={t("audit.title")}
        extra={
          <Button icon={<SafetyCertificateOutlined />} loading={verifying} onClick={() => void verify()}>
            {t("audit.verify")}
          </Button>
        }
      />
      {verification ? (
        <div style={{ marginBottom: 16 }}>
          <VerificationAlert verification={verification} />
        </div>
      ) : null}
      <Card>
        <AuditFilters onSearch={setQuery} />
        {list.error ? (
          <ErrorResult error={list.error} onRetry={list.reload} />
        ) : (
          <>
            <Table<AuditEntry>
              rowKey="seq"
              size="middle"
              loading={list.loading}
              dataSource={list.items}
              pagination={false}
              scroll={{ x: 1000 }}
              locale={{
                emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("audit.empty")} />,
              }}
              expandable={{ expandedRowRender: (entry) => <AuditChanges entry={entry} /> }}
              columns={[
                { key: "seq", title: t("audit.seq"), dataIndex: "seq", width: 80, align: "right" },
                { key: "at", title: t("audit.at"), width: 180, render: (_, e) => formatDateTime(e.at) },
                {
                  key: "actor",
                  title: t("audit.actor"),
                  width: 150,
                  ellipsis: true,
                  render: (_, e) =>
                    e.actorName ??
                    (e.actorId ? <span className="fh-mono">{e.actorId}</span> : t("audit.system")),
                },
                {
                  key: "action",
                  title: t("audit.action"),
                  width: 200,
                  render: (_, e) => (
                    <Flex vertical>
                      <span>{auditActionLabel(e.action)}</span>
                      <Typography.Text type="secondary" className="fh-mono">
                        {e.action}
                      </Typography.Text>
                    </Flex>
                  ),
                },
                {
                  key: "entity",
                  title: t("audit.entity"),
                  render: (_, e) => (
                    <Flex vertical style={{ minWidth: 0 }}>
                      <span>{entityTypeLabel(e.entityType)}</span>
                      <Typography.Text
                        type="secondary"
                        className="fh-mono"
                        ellipsis={{ tooltip: e.entityId }}
                      >
                        {e.entityId}
                      </Typography.Text>
                    </Flex>
                  ),
                },
                {
                  key: "request",
                  title: t("audit.requestId"),
                  width: 160,
                  render: (_, e) => (
                    <Typography.Text type="secondary" className="fh-mono" ellipsis={{ tooltip: e.requestId }}>
                      {e.requestId ?? "—"}
                    </Typography.Text>
                  ),
                },
              ]}
            />
            <Flex justify="center" align="center" gap={12} style={{ marginTop: 16 }}>
              <Typography.Text type="secondary">
                {t("common.shownCount", { count: list.items.length })}
              </Typography.Text>
              {list.hasMore ? (
                <Button onClick={list.loadMore} loading={list.loading}>
                  {t("common.loadMore")}
                </Button>
              ) : list.items.length > 0 ? (
                <Typography.Text type="secondary">{t("common.noMore")}</Typography.Text>
              ) : null}
            </Flex>
          </>
        )}
      </Card>
    </>
  );
}
