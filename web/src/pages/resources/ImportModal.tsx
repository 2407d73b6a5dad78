import { DownloadOutlined, InboxOutlined } from "@ant-design/icons";
import { Alert, Button, Flex, Modal, Progress, Radio, Table, Typography, Upload } from "antd";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { IMPORT_MAX_BYTES } from "../../../../shared/resources.js";
import { api, errorMessage } from "../../api/client.js";
import { download, fileToBase64, type ImportJob } from "./api.js";

interface Props {
  open: boolean;
  /** URL segment: teams, shelters, stock … */
  sheet: string;
  label: string;
  onClose(): void;
  /** Called once an import has written its rows, so the list reloads. */
  onImported(job: ImportJob): void;
}

const POLL_MS = 400;

/**
 * Upload → import job → progress polled from GET /api/imports/:id → either a summary or the full
 * error report (row, column, value, reason). Nothing is written unless every row is right.
 */
export function ImportModal({ open, sheet, label, onClose, onImported }: Props) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | undefined>(undefined);
  const [mode, setMode] = useState<"create" | "upsert">("create");
  const [job, setJob] = useState<ImportJob | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => {
    if (!open) {
      window.clearTimeout(timer.current);
      setFile(undefined);
      setJob(undefined);
      setError(undefined);
      setBusy(false);
    }
    return () => window.clearTimeout(timer.current);
  }, [open]);

  const poll = (id: string) => {
    timer.current = window.setTimeout(async () => {
      try {
        const next = await api.get<ImportJob>(`/api/imports/${encodeURIComponent(id)}`);
        setJob(next);
        if (next.state === "running") {
          poll(id);
        } else {
          setBusy(false);
          if (next.state === "done") {
            onImported(next);
          }
        }
      } catch (e) {
        setBusy(false);
        setError(errorMessage(e));
      }
    }, POLL_MS);
  };

  const start = async () => {
    if (!file) {
      return;
    }
    if (file.size > IMPORT_MAX_BYTES) {
      setError(t("resources.import.tooLarge"));
      return;
    }
    setBusy(true);
    setError(undefined);
    setJob(undefined);
    try {
      const content = await fileToBase64(file);
      const started = await api.post<ImportJob>(`/api/${sheet}/import?mode=${mode}`, {
        fileName: file.name,
        content,
      });
      setJob(started);
      poll(started.id);
    } catch (e) {
      setBusy(false);
      setError(errorMessage(e));
    }
  };

  const percent = job && job.total > 0 ? Math.round((job.processed / job.total) * 100) : 0;

  return (
    <Modal
      open={open}
      title={t("resources.import.title", { label })}
      width={820}
      onCancel={onClose}
      footer={
        <Flex justify="space-between">
          <Button icon={<DownloadOutlined />} onClick={() => download(`/api/${sheet}/template.xlsx`)}>
            {t("resources.list.template")}
          </Button>
          <Flex gap={8}>
            <Button onClick={onClose}>{t("resources.import.close")}</Button>
            <Button type="primary" disabled={!file || busy} loading={busy} onClick={start}>
              {t("resources.import.start")}
            </Button>
          </Flex>
        </Flex>
      }
    >
      <Typography.Paragraph type="secondary">{t("resources.import.intro")}</Typography.Paragraph>
      <Flex vertical gap={12}>
        <Radio.Group
          value={mode}
          onChange={(e) => setMode(e.target.value as "create" | "upsert")}
          disabled={busy}
        >
          <Radio value="create">{t("resources.import.modeCreate")}</Radio>
          <Radio value="upsert">{t("resources.import.modeUpsert")}</Radio>
        </Radio.Group>
        <Upload.Dragger
          accept=".xlsx,.csv"
          maxCount={1}
          disabled={busy}
          beforeUpload={(f) => {
            setFile(f);
            setJob(undefined);
            setError(undefined);
            return false;
          }}
          onRemove={() => setFile(undefined)}
          fileList={file ? [{ uid: "f", name: file.name, status: "done" }] : []}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{t("resources.import.choose")}（.xlsx / .csv）</p>
        </Upload.Dragger>
        {job ? (
          <div aria-live="polite">
            <Typography.Text strong>{t(`resources.import.phase.${job.phase}`)}</Typography.Text>
            {job.state === "running" ? (
              <>
                <Progress percent={percent} status="active" />
                <Typography.Text type="secondary">
                  {t("resources.import.progress", { processed: job.processed, total: job.total })}
                </Typography.Text>
              </>
            ) : null}
          </div>
        ) : null}
        {job?.state === "done" ? (
          <Alert
            type="success"
            showIcon
            message={t("resources.import.done", { created: job.created, updated: job.updated })}
          />
        ) : null}
        {job?.state === "failed" ? (
          <Alert type="error" showIcon title={t("resources.import.failed", { detail: job.detail ?? "" })} />
        ) : null}
        {error ? <Alert type="error" showIcon title={error} /> : null}
        {job && job.errors.length > 0 ? (
          <>
            <Typography.Text strong>
              {t("resources.import.errorsTitle", { count: job.errorCount })}
            </Typography.Text>
            <Table
              size="small"
              rowKey={(e) => `${e.row}-${e.field}-${e.message}`}
              dataSource={job.errors}
              pagination={{ pageSize: 10, showSizeChanger: false }}
              scroll={{ y: 320 }}
              columns={[
                { title: t("resources.import.row"), dataIndex: "row", width: 70 },
                { title: t("resources.import.column"), dataIndex: "column", width: 140 },
                { title: t("resources.import.value"), dataIndex: "value", width: 160, ellipsis: true },
                { title: t("resources.import.reason"), dataIndex: "message" },
              ]}
            />
          </>
        ) : null}
      </Flex>
    </Modal>
  );
}
