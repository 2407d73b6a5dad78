import { Button, Empty, Flex, Spin, Tag, Typography } from "antd";
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

/** Flat search results (name, short name or division code), a page at a time; each row is a button. */
export function OrgUnitList({ q, type, selectedId, onSelect }: OrgUnitListProps) {
  const { t } = useTranslation();
  const list = useCursorList(`${q}|${type ?? ""}`, (cursor) =>
    api.get<Page<OrgUnit>>("/api/org/units", { q: q || undefined, type, limit: 50, cursor }),
  );
  if (list.error) {
    return <ErrorResult error={list.error} onRetry={list.reload} />;
  }
  if (list.loading && list.items.length === 0) {
    return (
      <Flex justify="center" style={{ padding: 24 }}>
        <Spin />
      </Flex>
    );
  }
  if (list.items.length === 0) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("org.noResults")} />;
  }
  return (
    <div className="fh-org-tree" data-testid="org-search-results">
      <ul className="fh-unit-list">
        {list.items.map((unit) => (
          <li key={unit.id}>
            <button
              type="button"
              className={`fh-unit-item${unit.id === selectedId ? " fh-unit-item-selected" : ""}`}
              aria-current={unit.id === selectedId ? "true" : undefined}
              onClick={() => onSelect(unit.id)}
            >
              <span className="fh-unit-item-name">{unit.name}</span>
              <span>
                <Tag>{unitTypeLabel(t, unit.type)}</Tag>
                {unit.divisionCode ? (
                  <Typography.Text type="secondary">{unit.divisionCode}</Typography.Text>
                ) : null}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {list.hasMore ? (
        <Button block type="dashed" loading={list.loading} onClick={list.loadMore} style={{ marginTop: 8 }}>
          {t("common.loadMore")}
        </Button>
      ) : null}
    </div>
  );
}
