import { Alert, Card, Descriptions, Input, Spin, Table, Tabs, Tag, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { WARNING_ACTIONS } from "../../../../shared/plan/schema.js";
import { api, errorMessage } from "../../api/client.js";
import { PageHeader } from "../../components/PageHeader.js";
import { partiesLabel } from "./partyLabel.js";
import type { CatalogueEntry, PlanResponse } from "./planTypes.js";
import { SourceLink } from "./SourceLink.js";

const COLOUR_TAGS: Record<string, string> = { blue: "blue", yellow: "gold", orange: "orange", red: "red" };

/**
 * 预案: the active plan profile as readable tables — who leads, who approves, what is due when —
 * each rule with its seed section one click away. Switching FENGHUO_PLAN changes everything here.
 */
export function PlanPage() {
  const { t } = useTranslation();
  const [plan, setPlan] = useState<PlanResponse | undefined>();
  const [catalogue, setCatalogue] = useState<{ special: CatalogueEntry[]; department: CatalogueEntry[] }>();
  const [error, setError] = useState<string | undefined>();
  const [filter, setFilter] = useState("");

  useEffect(() => {
    Promise.all([
      api.get<PlanResponse>("/api/plan"),
      api.get<{ special: CatalogueEntry[]; department: CatalogueEntry[] }>("/api/plan/catalogue"),
    ]).then(
      ([p, c]) => {
        setPlan(p);
        setCatalogue(c);
      },
      (e: unknown) => setError(errorMessage(e)),
    );
  }, []);

  const subtypes = useMemo(() => {
    if (!plan) {
      return [];
    }
    const q = filter.trim();
    return plan.profile.taxonomy.categories.flatMap((c) =>
      c.subtypes
        .filter(
          (s) =>
            !q ||
            s.name.includes(q) ||
            c.name.includes(q) ||
            s.lead.some((l) => plan.units[l]?.name.includes(q)),
        )
        .map((s) => ({ ...s, category: c.name })),
    );
  }, [plan, filter]);

  if (error) {
    return <Alert type="error" showIcon title={error} />;
  }
  if (!plan || !catalogue) {
    return <Spin />;
  }
  const { profile, units } = plan;
  const unitName = (id: string) => units[id]?.short ?? units[id]?.name ?? id;
  const levelName = (id: string) =>
    profile.grading.levels.find((l) => l.id === id)?.name ??
    (profile.grading.belowLowest?.id === id ? profile.grading.belowLowest.name : undefined) ??
    (profile.grading.undetermined?.id === id ? profile.grading.undetermined.name : id);
  const colourName = (id: string) => profile.warnings.colours.find((c) => c.id === id)?.name ?? id;

  const authorityRows = profile.warnings.authority.flatMap((rule, i) =>
    WARNING_ACTIONS.filter((a) => rule[a] !== undefined).map((action) => {
      const r = rule[action];
      return {
        key: `${i}-${action}`,
        origin: rule.origin,
        colours: rule.colours,
        action,
        by: partiesLabel(r?.by, units),
        approvedBy: partiesLabel(r?.approvedBy, units),
        to: partiesLabel(r?.to, units),
        source: r?.source ?? rule.source,
        gap: r?.gap,
      };
    }),
  );

  const source = (row: { source: string; gap?: string | undefined }) => (
    <SourceLink source={row.source} gap={row.gap} />
  );

  return (
    <>
      <PageHeader title={t("plans.title")} />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label={t("plans.name")}>
            <Typography.Text strong data-testid="plan-name">
              {profile.meta.name}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t("plans.district")}>
            {profile.meta.district.name}（{profile.meta.district.code}）
          </Descriptions.Item>
          <Descriptions.Item label={t("plans.issuer")}>
            {profile.meta.issuingBody} {profile.meta.docNo ?? ""}
          </Descriptions.Item>
          <Descriptions.Item label={t("plans.effective")}>
            {profile.meta.effectiveDate ?? "—"}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Tabs
        items={[
          {
            key: "taxonomy",
            label: t("plans.tabs.taxonomy"),
            children: (
              <>
                <Input.Search
                  allowClear
                  placeholder={t("plans.filter")}
                  style={{ maxWidth: 320, marginBottom: 12 }}
                  onChange={(e) => setFilter(e.target.value)}
                />
                <Table
                  size="small"
                  rowKey={(r) => `${r.category}-${r.id}`}
                  dataSource={subtypes}
                  pagination={{ pageSize: 20, showSizeChanger: false }}
                  columns={[
                    { title: t("plans.category"), dataIndex: "category", width: 120 },
                    { title: t("plans.subtype"), dataIndex: "name", width: 200 },
                    { title: t("plans.lead"), render: (_, r) => r.lead.map(unitName).join("、"), width: 200 },
                    {
                      title: t("plans.hq"),
                      render: (_, r) => (r.hq ? unitName(r.hq) : t("plans.temporaryHq")),
                    },
                    { title: t("plans.source"), render: (_, r) => source(r), width: 260 },
                  ]}
                />
              </>
            ),
          },
          {
            key: "warnings",
            label: t("plans.tabs.warnings"),
            children: (
              <Table
                size="small"
                rowKey="key"
                dataSource={authorityRows}
                pagination={false}
                columns={[
                  {
                    title: t("plans.origin"),
                    dataIndex: "origin",
                    width: 90,
                    render: (o: string) => (o === "local" ? t("plans.local") : t("plans.relayed")),
                  },
                  {
                    title: t("plans.colours"),
                    dataIndex: "colours",
                    width: 170,
                    render: (cs: string[]) =>
                      cs.map((c) => (
                        <Tag key={c} color={COLOUR_TAGS[c]}>
                          {colourName(c)}
                        </Tag>
                      )),
                  },
                  {
                    title: t("plans.action"),
                    dataIndex: "action",
                    width: 80,
                    render: (a: (typeof WARNING_ACTIONS)[number]) => t(`plans.actions.${a}`),
                  },
                  { title: t("plans.by"), dataIndex: "by" },
                  { title: t("plans.approvedBy"), dataIndex: "approvedBy" },
                  { title: t("plans.to"), dataIndex: "to" },
                  { title: t("plans.source"), render: (_, r) => source(r), width: 240 },
                ]}
              />
            ),
          },
          {
            key: "reporting",
            label: t("plans.tabs.reporting"),
            children: (
              <Table
                size="small"
                rowKey="id"
                dataSource={profile.reporting.deadlines}
                pagination={false}
                columns={[
                  { title: t("plans.report"), dataIndex: "name", width: 180 },
                  {
                    title: t("plans.due"),
                    width: 200,
                    render: (_, d) =>
                      `${t(`plans.clock.${d.clockStart}`)} ${
                        d.minutes === 0 ? t("plans.immediately") : t("plans.minutes", { count: d.minutes })
                      }${d.recurrenceMinutes ? t("plans.every", { count: d.recurrenceMinutes }) : ""}`,
                  },
                  {
                    title: t("plans.when"),
                    render: (_, d) =>
                      d.when?.map((c) => c.text ?? JSON.stringify(c)).join("；") ?? t("plans.always"),
                  },
                  { title: t("plans.to"), render: (_, d) => partiesLabel(d.to, units) },
                  { title: t("plans.source"), render: (_, d) => source(d), width: 240 },
                ]}
              />
            ),
          },
          {
            key: "response",
            label: t("plans.tabs.response"),
            children: (
              <Table
                size="small"
                rowKey="id"
                dataSource={profile.response.levels}
                pagination={false}
                columns={[
                  { title: t("plans.responseLevel"), dataIndex: "name", width: 120 },
                  {
                    title: t("plans.grades"),
                    render: (_, l) => l.grades.map(levelName).join("、"),
                    width: 160,
                  },
                  { title: t("plans.activatedBy"), render: (_, l) => partiesLabel(l.activatedBy, units) },
                  { title: t("plans.onScene"), render: (_, l) => partiesLabel(l.onScene, units) },
                  { title: t("plans.source"), render: (_, l) => source(l), width: 240 },
                ]}
              />
            ),
          },
          {
            key: "groups",
            label: t("plans.tabs.groups", { count: profile.response.commandPost.groups.length }),
            children: (
              <Table
                size="small"
                rowKey="id"
                dataSource={profile.response.commandPost.groups}
                pagination={false}
                columns={[
                  { title: t("plans.group"), dataIndex: "name", width: 160 },
                  { title: t("plans.groupLead"), render: (_, g) => partiesLabel(g.lead, units), width: 220 },
                  { title: t("plans.duties"), render: (_, g) => g.duties.join("；") },
                  { title: t("plans.source"), render: (_, g) => source(g), width: 200 },
                ]}
              />
            ),
          },
          {
            key: "catalogue",
            label: t("plans.tabs.catalogue", {
              special: catalogue.special.length,
              department: catalogue.department.length,
            }),
            children: (["special", "department"] as const).map((kind) => (
              <Card key={kind} size="small" title={t(`plans.catalogue.${kind}`)} style={{ marginBottom: 12 }}>
                <Table
                  size="small"
                  rowKey={(e) => `${kind}-${e.no}`}
                  dataSource={catalogue[kind]}
                  pagination={{ pageSize: 20, showSizeChanger: false }}
                  columns={[
                    { title: "#", dataIndex: "no", width: 50 },
                    { title: t("plans.heading"), dataIndex: "heading", width: 120 },
                    { title: t("plans.planName"), dataIndex: "name" },
                    {
                      title: t("plans.lead"),
                      render: (_, e) => e.lead.map((u) => u.short ?? u.name).join("、"),
                      width: 220,
                    },
                  ]}
                />
              </Card>
            )),
          },
        ]}
      />
    </>
  );
}
