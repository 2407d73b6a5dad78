import { AimOutlined, EnvironmentOutlined, PhoneOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Empty, Flex, Progress, Space, Spin, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { SHELTER_FACILITY_LABELS, type ShelterFacility } from "../../../../shared/resources.js";
import { api, errorMessage } from "../../api/client.js";
import "../resources/resources.css";

interface PublicShelter {
  id: string;
  name: string;
  type: string;
  class: string;
  address: string | null;
  lat: number;
  lng: number;
  capacity: number;
  occupancy: number;
  facilities: string[];
  phone: string | null;
  openedAt: string | null;
  distanceM: number | null;
}

/**
 * 已启用的应急避难场所 for the public portal (no login): nearest first from the reader's position when
 * the browser may share it (issue 6 §5). A component of its own so the portal can embed it.
 */
export function PublicShelterList() {
  const { t } = useTranslation();
  const [items, setItems] = useState<PublicShelter[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [locating, setLocating] = useState(false);
  const [note, setNote] = useState<string | undefined>(undefined);

  const load = useCallback((at?: { lat: number; lng: number }) => {
    setError(undefined);
    api
      .get<{ items: PublicShelter[] }>("/api/public/shelters", at ? { lat: at.lat, lng: at.lng } : undefined)
      .then((r) => setItems(r.items))
      .catch((e: unknown) => setError(errorMessage(e)));
  }, []);

  useEffect(() => load(), [load]);

  const locate = () => {
    if (!("geolocation" in navigator)) {
      setNote(t("resources.public.locateFailed"));
      return;
    }
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        setNote(undefined);
        load({ lat: pos.coords.latitude, lng: pos.coords.longitude });
      },
      () => {
        setLocating(false);
        setNote(t("resources.public.locateFailed"));
      },
      { timeout: 10_000, maximumAge: 60_000 },
    );
  };

  return (
    <section aria-labelledby="fh-public-shelters">
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <div>
          <Typography.Title level={3} id="fh-public-shelters" style={{ margin: 0 }}>
            {t("resources.public.title")}
          </Typography.Title>
          <Typography.Text type="secondary">{t("resources.public.subtitle")}</Typography.Text>
        </div>
        <Button icon={<AimOutlined />} onClick={locate} loading={locating} size="large">
          {locating ? t("resources.public.locating") : t("resources.public.locate")}
        </Button>
      </Flex>
      {note ? <Alert type="info" showIcon title={note} style={{ marginBottom: 12 }} /> : null}
      {error ? <Alert type="error" showIcon title={error} /> : null}
      {items === undefined && !error ? <Spin /> : null}
      {items && items.length === 0 ? <Empty description={t("resources.public.none")} /> : null}
      {items?.map((s) => {
        const pct = s.capacity > 0 ? Math.min(100, Math.round((s.occupancy / s.capacity) * 100)) : 0;
        return (
          <Card key={s.id} className="fh-pubshelter-card" size="small">
            <Flex vertical gap={6}>
              <Flex justify="space-between" wrap gap={8}>
                <Typography.Title level={4} style={{ margin: 0 }}>
                  {s.name}
                </Typography.Title>
                {s.distanceM !== null ? (
                  <Tag color="blue" style={{ fontSize: 14 }}>
                    {t("resources.public.distance", { km: (s.distanceM / 1000).toFixed(1) })}
                  </Tag>
                ) : null}
              </Flex>
              {s.address ? (
                <Typography.Text>
                  <EnvironmentOutlined /> {s.address}
                </Typography.Text>
              ) : null}
              <Typography.Text>
                {t("resources.public.capacity", {
                  capacity: s.capacity.toLocaleString("zh-CN"),
                  occupancy: s.occupancy.toLocaleString("zh-CN"),
                })}
              </Typography.Text>
              <Progress
                percent={pct}
                size="small"
                status={pct >= 90 ? "exception" : "normal"}
                showInfo={false}
              />
              {s.facilities.length > 0 ? (
                <Space size={4} wrap>
                  <Typography.Text type="secondary">{t("resources.public.facilities")}：</Typography.Text>
                  {s.facilities.map((f) => (
                    <Tag key={f}>{SHELTER_FACILITY_LABELS[f as ShelterFacility] ?? f}</Tag>
                  ))}
                </Space>
              ) : null}
              {s.phone ? (
                <Typography.Text>
                  <PhoneOutlined /> {t("resources.public.phone")}：<a href={`tel:${s.phone}`}>{s.phone}</a>
                </Typography.Text>
              ) : null}
            </Flex>
          </Card>
        );
      })}
      <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
        {t("resources.public.hotline")}
      </Typography.Paragraph>
    </section>
  );
}

/** /public/shelters: the list on its own page (the portal at /public links here or embeds the list). */
export function PublicSheltersPage() {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${t("resources.public.title")} · ${t("app.name")}`;
  }, [t]);
  return (
    <main className="fh-pubshelter">
      <PublicShelterList />
    </main>
  );
}
