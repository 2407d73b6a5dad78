import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Flex,
  Form,
  Input,
  Radio,
  Select,
  Spin,
  Tabs,
  Typography,
} from "antd";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { ApiError, errorMessage } from "../../api/client.js";
import { type DistrictGeo, loadDistrict } from "../../components/map/district.js";
import { PublicShelterList } from "../public/PublicShelters.js";
import { type AreaFeature, type PublicWarning, warningsApi } from "./api.js";
import { ColourBadge, when } from "./common.js";
import { WarningMap } from "./WarningMap.js";
import "./warnings.css";

function WarningCard({ w, open }: { w: PublicWarning; open?: boolean }) {
  const { t } = useTranslation();
  const ended = w.status !== "published";
  return (
    <Card size="small" className={`fh-public-card fh-colour-${w.colour}`} data-testid="public-warning">
      <Flex vertical gap={6}>
        <Flex gap={8} align="center" wrap>
          <ColourBadge colour={w.colour} name={w.colourName} />
          {ended ? (
            <Typography.Text type="secondary">
              {t(w.status === "lifted" ? "publicPortal.lifted" : "publicPortal.expired")}
            </Typography.Text>
          ) : null}
        </Flex>
        <Link to={`/public/warnings/${w.id}`} className="fh-public-title">
          {w.title}
        </Link>
        <Typography.Text type="secondary">
          {t("publicPortal.issuer")}：{w.issuer} · {t("publicPortal.issuedAt")}：{when(w.publishedAt)}
        </Typography.Text>
        <Typography.Text type="secondary">
          {ended
            ? `${t("publicPortal.endedAt")}：${when(w.endedAt)}`
            : `${t("publicPortal.until")}：${when(w.expiresAt)}`}
        </Typography.Text>
        {w.areaNames.length > 0 || w.area.description ? (
          <Typography.Text>
            {t("publicPortal.area")}：{w.area.description ?? w.areaNames.join("、")}
          </Typography.Text>
        ) : null}
        {!ended ? (
          <div className="fh-public-advice">
            <Typography.Text strong>{t("publicPortal.advice")}：</Typography.Text>
            {w.content.publicAdvice}
          </div>
        ) : null}
        {open ? (
          <>
            <Typography.Paragraph style={{ margin: 0 }}>
              <Typography.Text strong>{t("publicPortal.precautions")}：</Typography.Text>
              {w.content.precautions}
            </Typography.Paragraph>
            <Typography.Paragraph style={{ margin: 0 }}>
              <Typography.Text strong>{t("publicPortal.situation")}：</Typography.Text>
              {w.content.situation}
            </Typography.Paragraph>
            <Typography.Paragraph style={{ margin: 0 }}>
              <Typography.Text strong>{t("publicPortal.measures")}：</Typography.Text>
              {w.content.governmentMeasures}
            </Typography.Paragraph>
          </>
        ) : null}
        {w.content.hotline ? (
          <Typography.Text>
            {t("publicPortal.hotline")}：
            <a href={`tel:${w.content.hotline.replace(/[^0-9+]/g, "")}`}>{w.content.hotline}</a>
          </Typography.Text>
        ) : null}
      </Flex>
    </Card>
  );
}

function SubscribeForm() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{
    channel: "sms" | "email";
    address: string;
    divisionCode: string;
    name?: string;
  }>();
  const [streets, setStreets] = useState<{ code: string; name: string }[]>([]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const [done, setDone] = useState(false);
  const channel = Form.useWatch("channel", form) ?? "sms";
  useEffect(() => {
    warningsApi
      .publicStreets()
      .then((r) => setStreets(r.items))
      .catch(() => setStreets([]));
  }, []);
  const submit = async (v: {
    channel: "sms" | "email";
    address: string;
    divisionCode: string;
    name?: string;
  }) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await warningsApi.subscribe({
        channel: v.channel,
        address: v.address.trim(),
        divisionCode: v.divisionCode,
        ...(v.name ? { name: v.name } : {}),
      });
      setDone(true);
      message.success(t("publicPortal.subscribed"));
    } catch (e) {
      if (e instanceof ApiError && e.errors) {
        form.setFields(e.errors.map((fe) => ({ name: fe.path as "address", errors: [fe.message] })));
      }
      setProblem(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  if (done) {
    return <Alert type="success" showIcon message={t("publicPortal.subscribed")} data-testid="subscribed" />;
  }
  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={submit}
      initialValues={{ channel: "sms" }}
      className="fh-public-form"
    >
      {problem ? <Alert type="error" showIcon message={problem} style={{ marginBottom: 12 }} /> : null}
      <Form.Item name="channel" label={t("publicPortal.channel")}>
        <Radio.Group
          optionType="button"
          options={(["sms", "email"] as const).map((c) => ({
            value: c,
            label: t(`publicPortal.channels.${c}`),
          }))}
        />
      </Form.Item>
      <Form.Item
        name="address"
        label={channel === "sms" ? t("publicPortal.phone") : t("publicPortal.email")}
        rules={[
          { required: true, message: channel === "sms" ? t("publicPortal.phone") : t("publicPortal.email") },
        ]}
      >
        <Input
          inputMode={channel === "sms" ? "tel" : "email"}
          autoComplete={channel === "sms" ? "tel" : "email"}
        />
      </Form.Item>
      <Form.Item
        name="divisionCode"
        label={t("publicPortal.street")}
        rules={[{ required: true, message: t("publicPortal.streetPlaceholder") }]}
      >
        <Select
          placeholder={t("publicPortal.streetPlaceholder")}
          showSearch={{ optionFilterProp: "label" }}
          options={streets.map((s) => ({ value: s.code, label: s.name }))}
        />
      </Form.Item>
      <Form.Item name="name" label={t("publicPortal.name")}>
        <Input maxLength={40} />
      </Form.Item>
      <Typography.Paragraph type="secondary">{t("publicPortal.privacy")}</Typography.Paragraph>
      <Button type="primary" htmlType="submit" loading={busy} block>
        {t("publicPortal.submit")}
      </Button>
    </Form>
  );
}

/** The public portal (no login, phone-first): current warnings on a map, past ones, subscriptions. */
export function PublicPortalPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const [current, setCurrent] = useState<PublicWarning[] | undefined>();
  const [history, setHistory] = useState<PublicWarning[] | undefined>();
  const [district, setDistrict] = useState<DistrictGeo | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    warningsApi
      .publicList("current")
      .then((r) => setCurrent(r.items))
      .catch((e: unknown) => setError(errorMessage(e)));
    warningsApi
      .publicList("history")
      .then((r) => setHistory(r.items))
      .catch(() => setHistory([]));
    loadDistrict()
      .then(setDistrict)
      .catch(() => undefined);
  }, []);
  const title = t("publicPortal.title", { district: district?.name ?? "" });
  useEffect(() => {
    document.title = title;
  }, [title]);
  const selected = useMemo(
    () => [...(current ?? []), ...(history ?? [])].find((w) => w.id === id),
    [current, history, id],
  );
  const shapes: AreaFeature[] = (selected ? [selected] : (current ?? [])).flatMap((w) => w.area.features);
  const topColour = (selected ?? current?.[0])?.colour ?? "blue";

  return (
    <div className="fh-public">
      <header className="fh-public-header">
        <div className="fh-public-mark">烽</div>
        <div>
          <Typography.Title level={1} className="fh-public-h1">
            {title}
          </Typography.Title>
          <Typography.Text className="fh-public-sub">{t("publicPortal.subtitle")}</Typography.Text>
        </div>
      </header>
      <main className="fh-public-main">
        {error ? <Alert type="error" showIcon message={error} /> : null}
        {current === undefined ? (
          <Spin />
        ) : id ? (
          <Flex vertical gap={12}>
            <Link to="/public">← {t("publicPortal.back")}</Link>
            {selected ? <WarningCard w={selected} open /> : <Empty />}
            <WarningMap features={shapes} colour={topColour} height={300} />
          </Flex>
        ) : (
          <Tabs
            // Four tabs must fit a 360-px phone without the overflow menu.
            tabBarGutter={14}
            className="fh-public-tabs"
            items={[
              {
                key: "current",
                label: `${t("publicPortal.current")}（${current.length}）`,
                children: (
                  <Flex vertical gap={12}>
                    {current.length === 0 ? (
                      <Alert type="success" showIcon message={t("publicPortal.none")} />
                    ) : (
                      current.map((w) => <WarningCard key={w.id} w={w} />)
                    )}
                    <WarningMap features={shapes} colour={topColour} height={280} testId="public-map" />
                  </Flex>
                ),
              },
              {
                key: "history",
                label: t("publicPortal.history"),
                children: (
                  <Flex vertical gap={12}>
                    {(history ?? []).length === 0 ? (
                      <Empty description={t("publicPortal.noHistory")} />
                    ) : (
                      (history ?? []).map((w) => <WarningCard key={w.id} w={w} />)
                    )}
                  </Flex>
                ),
              },
              { key: "subscribe", label: t("publicPortal.subscribe"), children: <SubscribeForm /> },
              // Issue 6: open emergency shelters, nearest first.
              { key: "shelters", label: t("resources.public.title"), children: <PublicShelterList /> },
            ]}
          />
        )}
        <footer className="fh-public-footer">
          <a href="/api/public/cap.atom">{t("publicPortal.capFeed")}</a>
        </footer>
      </main>
    </div>
  );
}
