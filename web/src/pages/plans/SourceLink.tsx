import { Drawer, Spin, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, errorMessage } from "../../api/client.js";
import type { SourceSection } from "./planTypes.js";

/** A rule's citation ("000 §4.1"); opens the seed's own text of that section beside the table. */
export function SourceLink({ source, gap }: { source: string; gap?: string | undefined }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [section, setSection] = useState<SourceSection | undefined>();
  const [error, setError] = useState<string | undefined>();
  const linkable = /^\d{3}\s*§\s*\d/.test(source);

  const show = async () => {
    setOpen(true);
    if (section || error) {
      return;
    }
    try {
      setSection(await api.get<SourceSection>("/api/plan/source", { ref: source }));
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <>
      {linkable ? (
        <Tag color="blue" style={{ cursor: "pointer" }} onClick={() => void show()} data-testid="source-link">
          {source}
        </Tag>
      ) : (
        <Tag>{source}</Tag>
      )}
      {gap ? (
        <Typography.Text type="warning" style={{ fontSize: 12, display: "block" }}>
          {t("plans.gap")}：{gap}
        </Typography.Text>
      ) : null}
      <Drawer
        title={`${t("plans.sourceText")} · ${source}`}
        open={open}
        onClose={() => setOpen(false)}
        size="large"
      >
        {section ? (
          <>
            <Typography.Title level={5}>
              {section.section} {section.title}
            </Typography.Title>
            <Typography.Paragraph
              style={{ whiteSpace: "pre-wrap", lineHeight: 1.9 }}
              data-testid="source-text"
            >
              {section.text}
            </Typography.Paragraph>
          </>
        ) : error ? (
          <Typography.Text type="danger">{error}</Typography.Text>
        ) : (
          <Spin />
        )}
      </Drawer>
    </>
  );
}
