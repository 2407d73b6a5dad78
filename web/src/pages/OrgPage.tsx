import { Card, Col, Empty, Flex, Input, Row, Select } from "antd";
import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams, useSearchParams } from "react-router";
import { ORG_UNIT_TYPES } from "../../../shared/roles.js";
import type { OrgUnitDetail } from "../api/types.js";
import { OrgTree } from "../components/org/OrgTree.js";
import { OrgUnitList } from "../components/org/OrgUnitList.js";
import { UnitDetail } from "../components/org/UnitDetail.js";
import { PageHeader } from "../components/PageHeader.js";
import { unitTypeLabel } from "../lib/labels.js";

/** 组织机构: browse the tree or search it; the selected unit's id is in the URL so it can be shared. */
export function OrgPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { unitId } = useParams();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const type = params.get("type") ?? undefined;
  const [draft, setDraft] = useState(q);
  const [reveal, setReveal] = useState<string[]>([]);

  const setFilter = (next: { q?: string; type?: string | undefined }) => {
    const merged = { q: next.q ?? q, type: "type" in next ? next.type : type };
    const search = new URLSearchParams();
    if (merged.q) {
      search.set("q", merged.q);
    }
    if (merged.type) {
      search.set("type", merged.type);
    }
    setParams(search);
  };

  const open = useCallback(
    (id: string) => navigate({ pathname: `/org/${encodeURIComponent(id)}`, search: params.toString() }),
    [navigate, params],
  );
  const onLoaded = useCallback((detail: OrgUnitDetail) => setReveal(detail.path.map((p) => p.id)), []);
  const searching = q !== "" || type !== undefined;

  return (
    <>
      <PageHeader title={t("modules.org")} />
      <Row gutter={[16, 16]} wrap>
        <Col xs={24} lg={9} xl={8} xxl={7}>
          <Card size="small" title={searching ? t("org.resultsTitle") : t("org.treeTitle")}>
            <Flex vertical gap={8} style={{ marginBottom: 12 }}>
              <Input.Search
                allowClear
                value={draft}
                placeholder={t("org.searchPlaceholder")}
                aria-label={t("org.searchPlaceholder")}
                enterButton={t("common.search")}
                onChange={(e) => {
                  setDraft(e.target.value);
                  if (e.target.value === "") {
                    setFilter({ q: "" });
                  }
                }}
                onSearch={(value) => setFilter({ q: value.trim() })}
              />
              <Select<string>
                allowClear
                value={type}
                placeholder={t("org.allTypes")}
                aria-label={t("org.typeFilter")}
                onChange={(value) => setFilter({ type: value })}
                options={ORG_UNIT_TYPES.map((ty) => ({ value: ty, label: unitTypeLabel(t, ty) }))}
              />
            </Flex>
            {searching ? (
              <OrgUnitList q={q} type={type} selectedId={unitId} onSelect={open} />
            ) : (
              <OrgTree selectedId={unitId} reveal={reveal} onSelect={open} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={15} xl={16} xxl={17}>
          {unitId ? (
            <UnitDetail unitId={unitId} onOpen={open} onLoaded={onLoaded} />
          ) : (
            <Card>
              <Empty description={t("org.selectHint")} />
            </Card>
          )}
        </Col>
      </Row>
    </>
  );
}
