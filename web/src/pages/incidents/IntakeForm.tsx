import { Alert, App, Button, Checkbox, Form, Input, InputNumber, Select, Typography } from "antd";
import { match } from "pinyin-pro";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  FIGURE_LABELS,
  type FigureKey,
  FLAG_LABELS,
  FRACTIONAL_FIGURES,
  INTAKE_FLAGS,
  SOURCE_CHANNEL_LABELS,
  SOURCE_CHANNELS,
} from "../../../../shared/incidents.js";
import { api, errorMessage } from "../../api/client.js";
import type { OrgUnit, Page } from "../../api/types.js";
import { type LatLng, PointPicker } from "../../components/map/PointPicker.js";
import { shanghaiToIso } from "../../lib/format.js";
import { applyFieldErrors } from "../../lib/formErrors.js";
import { type IncidentDetail, type IntakeMeta, incidentsApi } from "./api.js";
import { serverNow } from "./live.js";

/** Asked for every incident; a subtype's grading criteria add the figures they read (magnitude …). */
const FIGURES = ["deaths", "injuries", "missing", "trapped", "evacuated"] as const;
const isAlwaysAsked = (f: FigureKey): f is (typeof FIGURES)[number] =>
  (FIGURES as readonly string[]).includes(f);
const DIVISION_TYPES = new Set(["street", "township", "community", "village"]);
const FIELDS = [
  "subtypeId",
  "title",
  "occurredAt",
  "receivedAt",
  "sourceChannel",
  "divisionCode",
  "address",
  "location",
  "figures",
  "flags",
  "description",
  "level",
  "reporterName",
  "reporterPhone",
] as const;

interface IntakeValues {
  subtypeId?: string;
  title?: string;
  occurredAt?: string;
  receivedAt?: string;
  sourceChannel?: string;
  divisionCode?: string;
  address?: string;
  location?: LatLng;
  figures?: Partial<Record<FigureKey, number | null>>;
  flags?: string[];
  description?: string;
  level?: string;
  reporterName?: string;
  reporterPhone?: string;
}

/** Beijing wall-clock "YYYY-MM-DD HH:mm", typed and read the same way whatever the browser's locale. */
function beijingLocal(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
}

const TIME_PATTERN = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/;

function toIso(local: string): string {
  return shanghaiToIso(local.trim().replace(" ", "T"));
}

/** Characters, full pinyin or initials: 燃气 / ranqi / rq all find 燃气事故. */
function matchesSubtype(input: string, name: string, aliases: string[]): boolean {
  const q = input.trim().toLowerCase();
  if (q === "") {
    return true;
  }
  return [name, ...aliases].some((text) => text.includes(q) || (match(text, q) ?? []).length > 0);
}

/** Division search over the org tree (streets, townships, communities, villages). */
function DivisionSelect(props: { value?: string; onChange?: (v: string | undefined) => void; id?: string }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState("");
  const [units, setUnits] = useState<OrgUnit[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      api
        .get<Page<OrgUnit>>("/api/org/units", { q: query.trim() || undefined, limit: 40 }, controller.signal)
        .then((page) => setUnits(page.items.filter((u) => DIVISION_TYPES.has(u.type))))
        .catch(() => setUnits([]));
    }, 200);
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [query]);
  return (
    <Select
      id={props.id}
      value={props.value}
      onChange={props.onChange}
      allowClear
      placeholder={t("incidents.divisionPlaceholder")}
      showSearch={{ filterOption: false, onSearch: setQuery }}
      options={units.map((u) => ({ value: u.id, label: `${u.name}（${u.id}）` }))}
    />
  );
}

/** The keyboard-first intake form: type, place, times and figures, then Ctrl+Enter. */
export function IntakeForm({
  meta,
  onRegistered,
}: {
  meta: IntakeMeta;
  onRegistered: (i: IncidentDetail) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<IntakeValues>();
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  const firstField = useRef<HTMLDivElement>(null);

  const subtypeOptions = useMemo(
    () =>
      meta.categories.map((c) => ({
        label: c.name,
        title: c.name,
        options: c.subtypes.map((s) => ({ value: s.id, label: s.name, aliases: s.aliases })),
      })),
    [meta],
  );

  // The figures and flags the chosen subtype's grading criteria read, after the ones always asked.
  const subtypeId = Form.useWatch("subtypeId", form);
  const grading = useMemo(
    () => meta.categories.flatMap((c) => c.subtypes).find((s) => s.id === subtypeId)?.grading,
    [meta, subtypeId],
  );
  const gradingFigures = (grading?.metrics ?? []).filter((m) => !isAlwaysAsked(m));
  const flagKeys = [
    ...INTAKE_FLAGS,
    ...(grading?.flags ?? []).filter((f) => !(INTAKE_FLAGS as readonly string[]).includes(f)),
  ];

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && (e.key === "n" || e.key === "N")) {
        e.preventDefault();
        firstField.current?.querySelector("input")?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const reset = useCallback(() => {
    const now = beijingLocal(serverNow());
    form.resetFields();
    form.setFieldsValue({ occurredAt: now, receivedAt: now });
  }, [form]);
  useEffect(reset, [reset]);

  const submit = async (values: IntakeValues) => {
    setBusy(true);
    setProblems([]);
    try {
      const figures = Object.fromEntries(
        Object.entries(values.figures ?? {}).filter(([, v]) => typeof v === "number"),
      );
      const created = await incidentsApi.register({
        title: values.title,
        subtypeId: values.subtypeId,
        occurredAt: values.occurredAt ? toIso(values.occurredAt) : undefined,
        receivedAt: values.receivedAt ? toIso(values.receivedAt) : undefined,
        sourceChannel: values.sourceChannel,
        ...(values.divisionCode ? { divisionCode: values.divisionCode } : {}),
        ...(values.address ? { address: values.address } : {}),
        ...(values.location ? { location: values.location } : {}),
        ...(Object.keys(figures).length > 0 ? { figures } : {}),
        ...(values.flags && values.flags.length > 0 ? { flags: values.flags } : {}),
        ...(values.description ? { description: values.description } : {}),
        ...(values.level ? { level: values.level } : {}),
        ...(values.reporterName ? { reporterName: values.reporterName } : {}),
        ...(values.reporterPhone ? { reporterPhone: values.reporterPhone } : {}),
      });
      message.success(t("incidents.registered", { number: created.number }));
      if (created.possibleDuplicates.length > 0) {
        message.warning(
          t("incidents.duplicateWarning", {
            numbers: created.possibleDuplicates.map((d) => d.number).join("、"),
          }),
          8,
        );
      }
      reset();
      onRegistered(created);
    } catch (error) {
      setProblems(applyFieldErrors(form, error, FIELDS));
      message.error(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form<IntakeValues>
      form={form}
      layout="vertical"
      className="fh-intake"
      requiredMark
      onFinish={submit}
      onKeyDown={(e) => {
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          form.submit();
        }
      }}
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t("incidents.shortcuts")}
      </Typography.Paragraph>
      <div ref={firstField}>
        <Form.Item name="subtypeId" label={t("incidents.subtype")} rules={[{ required: true }]}>
          <Select
            autoFocus
            placeholder={t("incidents.subtypePlaceholder")}
            options={subtypeOptions}
            showSearch={{
              filterOption: (input, option) =>
                option !== undefined &&
                "aliases" in option &&
                matchesSubtype(input, String(option.label), (option.aliases as string[] | undefined) ?? []),
            }}
          />
        </Form.Item>
      </div>
      <Form.Item name="title" label={t("incidents.title")} rules={[{ required: true, max: 200 }]}>
        <Input placeholder={t("incidents.titlePlaceholder")} maxLength={200} />
      </Form.Item>
      <div style={{ display: "grid", gridTemplateColumns: "minmax(0, 1fr) minmax(0, 1fr)", gap: 8 }}>
        <Form.Item
          name="occurredAt"
          label={t("incidents.occurredAt")}
          rules={[{ required: true, pattern: TIME_PATTERN, message: "YYYY-MM-DD HH:mm" }]}
        >
          <Input placeholder="YYYY-MM-DD HH:mm" maxLength={16} />
        </Form.Item>
        <Form.Item
          name="receivedAt"
          label={t("incidents.receivedAt")}
          rules={[{ required: true, pattern: TIME_PATTERN, message: "YYYY-MM-DD HH:mm" }]}
        >
          <Input placeholder="YYYY-MM-DD HH:mm" maxLength={16} />
        </Form.Item>
      </div>
      <div style={{ display: "grid", gridTemplateColumns: "minmax(0, 1fr) minmax(0, 1fr)", gap: 8 }}>
        <Form.Item name="sourceChannel" label={t("incidents.source")} rules={[{ required: true }]}>
          <Select
            showSearch={{ optionFilterProp: "label" }}
            options={SOURCE_CHANNELS.map((c) => ({ value: c, label: SOURCE_CHANNEL_LABELS[c] }))}
          />
        </Form.Item>
        <Form.Item name="level" label={t("incidents.level")}>
          <Select
            allowClear
            placeholder={t("incidents.levelPlaceholder")}
            options={meta.levels.map((l) => ({ value: l.id, label: l.name }))}
          />
        </Form.Item>
      </div>
      <Form.Item name="divisionCode" label={t("incidents.division")}>
        <DivisionSelect />
      </Form.Item>
      <Form.Item name="address" label={t("incidents.address")}>
        <Input maxLength={300} />
      </Form.Item>
      <Form.Item name="location" label={t("incidents.mapPoint")}>
        <PointPicker />
      </Form.Item>
      <Form.Item label={t("incidents.figures")}>
        <div className="fh-figures">
          {FIGURES.map((f) => (
            <Form.Item key={f} name={["figures", f]} noStyle>
              <InputNumber
                min={0}
                precision={0}
                placeholder={t(`incidents.figureLabels.${f}`)}
                aria-label={t(`incidents.figureLabels.${f}`)}
              />
            </Form.Item>
          ))}
        </div>
        {gradingFigures.length > 0 && (
          <div className="fh-figures-grading">
            {gradingFigures.map((f) => (
              <Form.Item key={f} name={["figures", f]} noStyle>
                <InputNumber
                  min={0}
                  precision={FRACTIONAL_FIGURES.includes(f) ? undefined : 0}
                  prefix={FIGURE_LABELS[f]}
                  aria-label={FIGURE_LABELS[f]}
                />
              </Form.Item>
            ))}
          </div>
        )}
      </Form.Item>
      <Form.Item name="flags" label={t("incidents.flags")}>
        <Checkbox.Group options={flagKeys.map((f) => ({ value: f, label: FLAG_LABELS[f] }))} />
      </Form.Item>
      <Form.Item name="description" label={t("incidents.description")}>
        <Input.TextArea rows={3} maxLength={10000} />
      </Form.Item>
      <div style={{ display: "grid", gridTemplateColumns: "minmax(0, 1fr) minmax(0, 1fr)", gap: 8 }}>
        <Form.Item name="reporterName" label={t("incidents.reporterName")}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="reporterPhone" label={t("incidents.reporterPhone")}>
          <Input maxLength={32} />
        </Form.Item>
      </div>
      {problems.length > 0 ? (
        <Alert type="error" showIcon title={problems.join("；")} style={{ marginBottom: 8 }} />
      ) : null}
      <Button type="primary" htmlType="submit" loading={busy} block size="large">
        {t("incidents.submit")}
      </Button>
    </Form>
  );
}
