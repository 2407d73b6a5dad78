import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Flex,
  Form,
  Input,
  Radio,
  Row,
  Select,
  Spin,
  Typography,
} from "antd";
import { match } from "pinyin-pro";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { CONTENT_LIMITS, composeSms, smsSegments } from "../../../../shared/warnings.js";
import { ApiError, errorMessage } from "../../api/client.js";
import { PageHeader } from "../../components/PageHeader.js";
import { formatDateTime, shanghaiToIso } from "../../lib/format.js";
import {
  type AreaFeature,
  type Colour,
  type DraftInput,
  type Meta,
  type Warning,
  warningsApi,
} from "./api.js";
import { ColourBadge } from "./common.js";
import { WarningMap } from "./WarningMap.js";
import "./warnings.css";

interface Values {
  colour: Colour;
  subtypeId: string;
  title: string;
  issuingUnitId?: string;
  onsetAt: string;
  expiresAt: string;
  precautions?: string;
  situation?: string;
  governmentMeasures?: string;
  publicAdvice?: string;
  hotline?: string;
  smsText?: string;
  enTitle?: string;
  divisionCodes: string[];
  areaDescription?: string;
  affectsOtherAreas?: boolean;
  affectedAreas?: string[];
}

const TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/;
const local = (iso: string | null | undefined) => (iso ? formatDateTime(iso).slice(0, 16) : "");
const toIso = (text: string | undefined) =>
  text && TIME.test(text.trim()) ? shanghaiToIso(text.trim().replace(" ", "T")) : null;

/** Server field paths → form fields (content.hotline → hotline, area.divisionCodes.1 → divisionCodes). */
function fieldOf(path: string): keyof Values | undefined {
  const [head, second] = path.split(".");
  if (head === "content" && second) {
    return second as keyof Values;
  }
  if (head === "area" && second === "divisionCodes") {
    return "divisionCodes";
  }
  const direct = ["colour", "subtypeId", "title", "issuingUnitId", "onsetAt", "expiresAt", "affectedAreas"];
  return head && direct.includes(head) ? (head as keyof Values) : undefined;
}

function matchesSubtype(input: string, name: string, aliases: string[]): boolean {
  const q = input.trim().toLowerCase();
  return q === "" || [name, ...aliases].some((text) => text.includes(q) || (match(text, q) ?? []).length > 0);
}

/** 起草 / 修改预警: content of 000 §3.3.1 第4项, area by streets and by drawing, SMS preview. */
export function WarningFormPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [meta, setMeta] = useState<Meta | undefined>();
  const [existing, setExisting] = useState<Warning | undefined>();
  const [features, setFeatures] = useState<AreaFeature[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const colour = Form.useWatch("colour", form) ?? "blue";
  const watched = Form.useWatch([], form);

  useEffect(() => {
    warningsApi
      .meta()
      .then(setMeta)
      .catch((e: unknown) => setProblems([errorMessage(e)]));
    if (id) {
      warningsApi
        .get(id)
        .then((w) => {
          setExisting(w);
          setFeatures(w.area.features);
          form.setFieldsValue({
            colour: w.colour,
            subtypeId: w.subtypeId ?? undefined,
            title: w.title,
            issuingUnitId: w.issuingUnitId,
            onsetAt: local(w.onsetAt),
            expiresAt: local(w.expiresAt),
            ...w.content,
            enTitle: w.content.en?.title,
            divisionCodes: w.area.divisionCodes,
            areaDescription: w.area.description,
            affectsOtherAreas: w.affectsOtherAreas,
            affectedAreas: w.affectedAreas,
          } as Values);
        })
        .catch((e: unknown) => setProblems([errorMessage(e)]));
    }
  }, [id, form]);

  const subtypeOptions = useMemo(
    () =>
      (meta?.categories ?? []).map((c) => ({
        label: c.name,
        title: c.name,
        options: c.subtypes.map((s) => ({ value: s.id, label: s.name, aliases: s.aliases })),
      })),
    [meta],
  );

  const sms = useMemo(() => {
    const v = watched ?? ({} as Partial<Values>);
    if (v.smsText?.trim()) {
      return v.smsText;
    }
    return composeSms(
      meta?.district.name ?? "",
      v.title ?? "",
      false,
      v.publicAdvice ?? v.precautions ?? "",
      v.hotline,
    );
  }, [watched, meta]);
  const segments = smsSegments(sms).length;

  const submit = async (values: Values) => {
    setProblems([]);
    if (values.divisionCodes.length === 0 && features.length === 0) {
      setProblems([t("warnings.form.needArea")]);
      return;
    }
    const body: DraftInput = {
      colour: values.colour,
      subtypeId: values.subtypeId,
      title: values.title.trim(),
      ...(values.issuingUnitId && !existing ? { issuingUnitId: values.issuingUnitId } : {}),
      onsetAt: toIso(values.onsetAt),
      expiresAt: toIso(values.expiresAt),
      content: {
        ...(values.precautions ? { precautions: values.precautions } : {}),
        ...(values.situation ? { situation: values.situation } : {}),
        ...(values.governmentMeasures ? { governmentMeasures: values.governmentMeasures } : {}),
        ...(values.publicAdvice ? { publicAdvice: values.publicAdvice } : {}),
        ...(values.hotline ? { hotline: values.hotline } : {}),
        ...(values.smsText ? { smsText: values.smsText } : {}),
        ...(values.enTitle ? { en: { title: values.enTitle } } : {}),
      },
      area: {
        divisionCodes: values.divisionCodes,
        features,
        ...(values.areaDescription ? { description: values.areaDescription } : {}),
      },
      affectsOtherAreas: values.affectsOtherAreas ?? false,
      affectedAreas: values.affectedAreas ?? [],
    };
    setBusy(true);
    try {
      const saved = existing ? await warningsApi.update(existing.id, body) : await warningsApi.create(body);
      message.success(t("warnings.form.saved"));
      navigate(`/warnings/${saved.id}`);
    } catch (e) {
      if (e instanceof ApiError && e.errors) {
        const byField = new Map<keyof Values, string[]>();
        const rest: string[] = [];
        for (const fe of e.errors) {
          const f = fieldOf(fe.path);
          if (f) {
            byField.set(f, [...(byField.get(f) ?? []), fe.message]);
          } else {
            rest.push(`${fe.path}：${fe.message}`);
          }
        }
        form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
        setProblems(rest.length > 0 ? rest : [e.detail]);
      } else {
        setProblems([errorMessage(e)]);
      }
    } finally {
      setBusy(false);
    }
  };

  if (!meta || (id && !existing && problems.length === 0)) {
    return <Spin />;
  }
  const now = Date.now();
  const required = [{ required: true, message: t("warnings.form.required") }];
  return (
    <div className="fh-page">
      <PageHeader title={existing ? t("warnings.form.editTitle") : t("warnings.form.newTitle")} />
      {problems.length > 0 ? (
        <Alert
          type="error"
          showIcon
          message={problems.join("；")}
          style={{ marginBottom: 16 }}
          data-testid="form-problems"
        />
      ) : null}
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{
          colour: "blue",
          divisionCodes: [],
          onsetAt: local(new Date(now).toISOString()),
          expiresAt: local(new Date(now + 24 * 3_600_000).toISOString()),
        }}
      >
        <Row gutter={24}>
          <Col xs={24} xl={13}>
            <Card size="small" className="fh-form-card">
              <Form.Item name="colour" label={t("warnings.form.colour")} rules={required}>
                <Radio.Group>
                  {meta.colours.map((c) => (
                    <Radio key={c.id} value={c.id} aria-label={c.name}>
                      <ColourBadge colour={c.id} name={c.name} />
                    </Radio>
                  ))}
                </Radio.Group>
              </Form.Item>
              <Form.Item name="subtypeId" label={t("warnings.form.subtype")} rules={required}>
                <Select
                  placeholder={t("warnings.form.subtypePlaceholder")}
                  options={subtypeOptions}
                  showSearch={{
                    filterOption: (input, option) =>
                      !!option &&
                      "aliases" in option &&
                      matchesSubtype(
                        input,
                        String(option.label),
                        (option.aliases as string[] | undefined) ?? [],
                      ),
                  }}
                />
              </Form.Item>
              <Form.Item name="title" label={t("warnings.form.headline")} rules={required}>
                <Input
                  maxLength={CONTENT_LIMITS.title}
                  placeholder={t("warnings.form.headlinePlaceholder")}
                />
              </Form.Item>
              {meta.isOffice && !existing ? (
                <Form.Item name="issuingUnitId" label={t("warnings.form.issuingUnit")}>
                  <Select
                    allowClear
                    showSearch={{ optionFilterProp: "label" }}
                    options={meta.units.map((u) => ({ value: u.id, label: u.name }))}
                  />
                </Form.Item>
              ) : null}
              <Row gutter={12}>
                <Col span={12}>
                  <Form.Item
                    name="onsetAt"
                    label={t("warnings.form.onsetAt")}
                    rules={[{ pattern: TIME, message: "YYYY-MM-DD HH:mm" }]}
                  >
                    <Input placeholder="YYYY-MM-DD HH:mm" />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item
                    name="expiresAt"
                    label={t("warnings.form.expiresAt")}
                    rules={[{ pattern: TIME, message: "YYYY-MM-DD HH:mm" }]}
                  >
                    <Input placeholder="YYYY-MM-DD HH:mm" />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="precautions" label={t("warnings.form.precautions")}>
                <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={CONTENT_LIMITS.text} />
              </Form.Item>
              <Form.Item name="situation" label={t("warnings.form.situation")}>
                <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={CONTENT_LIMITS.text} />
              </Form.Item>
              <Form.Item name="governmentMeasures" label={t("warnings.form.governmentMeasures")}>
                <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={CONTENT_LIMITS.text} />
              </Form.Item>
              <Form.Item name="publicAdvice" label={t("warnings.form.publicAdvice")}>
                <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={CONTENT_LIMITS.text} />
              </Form.Item>
              <Row gutter={12}>
                <Col span={10}>
                  <Form.Item name="hotline" label={t("warnings.form.hotline")}>
                    <Input maxLength={CONTENT_LIMITS.hotline} />
                  </Form.Item>
                </Col>
                <Col span={14}>
                  <Form.Item name="enTitle" label={t("warnings.form.enTitle")}>
                    <Input maxLength={200} />
                  </Form.Item>
                </Col>
              </Row>
            </Card>
          </Col>
          <Col xs={24} xl={11}>
            <Card size="small" title={t("warnings.form.area")} className="fh-form-card">
              <Form.Item name="divisionCodes" label={t("warnings.form.streets")}>
                <Select
                  mode="multiple"
                  placeholder={t("warnings.form.streetsPlaceholder")}
                  showSearch={{ optionFilterProp: "label" }}
                  options={meta.streets.map((s) => ({ value: s.code, label: s.name }))}
                  maxTagCount="responsive"
                />
              </Form.Item>
              <WarningMap
                features={features}
                colour={colour}
                onChange={setFeatures}
                height={300}
                testId="draft-map"
              />
              <Form.Item
                name="areaDescription"
                label={t("warnings.form.areaDescription")}
                style={{ marginTop: 12 }}
              >
                <Input maxLength={500} />
              </Form.Item>
              {colour === "orange" || colour === "red" ? (
                <>
                  <Form.Item name="affectsOtherAreas" valuePropName="checked">
                    <Checkbox>{t("warnings.form.affectsOtherAreas")}</Checkbox>
                  </Form.Item>
                  <Form.Item name="affectedAreas" label={t("warnings.form.affectedAreas")}>
                    <Select mode="tags" tokenSeparators={[",", "，", "、"]} />
                  </Form.Item>
                </>
              ) : null}
            </Card>
            <Card
              size="small"
              title={t("warnings.form.smsPreview")}
              className="fh-form-card"
              style={{ marginTop: 16 }}
            >
              <div className="fh-sms-preview" data-testid="sms-preview">
                {sms}
              </div>
              <Typography.Text type={segments > 2 ? "warning" : "secondary"} data-testid="sms-count">
                {t("warnings.form.smsCount", { chars: sms.length, segments })}
              </Typography.Text>
              <Form.Item
                name="smsText"
                label={t("warnings.form.smsText")}
                style={{ marginTop: 8, marginBottom: 0 }}
              >
                <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={CONTENT_LIMITS.smsText} />
              </Form.Item>
            </Card>
          </Col>
        </Row>
        <Flex gap={8} className="fh-form-actions">
          <Button type="primary" htmlType="submit" loading={busy}>
            {t("warnings.form.save")}
          </Button>
          <Button onClick={() => navigate(existing ? `/warnings/${existing.id}` : "/warnings")}>
            {t("common.cancel")}
          </Button>
        </Flex>
      </Form>
    </div>
  );
}
