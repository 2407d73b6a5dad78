import { Button, Empty, Flex, List, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client.js";
import type { OrgUnit, Page } from "../../api/types.js";
import { useCursorList } from "../../hooks/useCursorList.js";
import { unitTypeLabel } from "../../lib/labels.js";
import { ErrorResult } from "../ErrorResult.js";

interface OrgUnitListProps {
  q: string;
  type: string | undefined;
  selectedId: string | undefined;
  onSelect(id: string): void;
}

/** Flat search results (name, short name or division code), a page at a time. */
export function OrgUnitList({ q, type, selectedId, onSelect }: OrgUnitListProps) {
  const { t } = useTranslation();
  const list = useCursorList(`${q}|${type ?? ""}`, (cursor) =>
    api.get<Page<OrgUnit>>("/api/org/units", { q: q || undefined, type, limit: 50, cursor }),
  );
  if (list.error) {
    return <ErrorResult error={list.error} onRetry={list.reload} />;
  }
  return (
    <div className="fh-org-tree" data-testid="org-search-results">
      <List<OrgUnit>
        size="small"
        loading={list.loading && list.items.length === 0}
        dataSource={list.items}
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("org.noResults")} />,
        }}
        renderItem={(unit) => (
          <List.Item
            style={{ paddingInline: 8, background: unit.id === selectedId ? "#e6efff" : undefined }}
            actions={[
              <Button key="open" size="small" type="link" onClick={() => onSelect(unit.id)}>
                {t("org.open")}
              </Button>,
            ]}
          >
            <Flex vertical style={{ minWidth: 0 }}>
              <Typography.Link onClick={() => onSelect(unit.id)} ellipsis>
                {unit.name}
              </Typography.Link>
              <span>
                <Tag>{unitTypeLabel(t, unit.type)}</Tag>
                {unit.divisionCode ? (
                  <Typography.Text type="secondary">{unit.divisionCode}</Typography.Text>
                ) : null}
              </span>
            </Flex>
          </List.Item>
        )}
      />
      {list.hasMore ? (
        <Button block type="dashed" loading={list.loading} onClick={list.loadMore} style={{ marginTop: 8 }}>
          {t("common.loadMore")}
        </Button>
      ) : null}
    </div>
  );
}
