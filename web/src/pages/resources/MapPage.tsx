import { AimOutlined, SearchOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Collapse,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Tag,
  Typography,
} from "antd";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import {
  GEO_KINDS,
  type GeoKind,
  SHELTER_STATUS_LABELS,
  SHELTER_TYPE_LABELS,
  TEAM_KIND_LABELS,
  TEAM_SPECIALTIES,
  TEAM_STATUS_LABELS,
} from "../../../../shared/resources.js";
import { api, errorMessage } from "../../api/client.js";
import { type Basemap, formatDistance, type GeoPoint } from "./api.js";
import "./clusters.js";
import { escapeHtml as esc } from "../../components/map/text.js";
import { DispatchModal, type DispatchTarget } from "./DispatchModal.js";
import L from "./leaflet.js";

const TILE_KEY = "fenghuo.resources.tileUrl";

/** Marker colours per kind, also the legend. Chosen to stay apart for colour-blind readers. */
const KIND_COLOURS: Record<GeoKind, string> = {
  team: "#d4380d",
  equipment: "#874d00",
  warehouse: "#1d39c4",
  shelter: "#389e0d",
  expert: "#722ed1",
  agreement: "#08979c",
};
const KIND_GLYPH: Record<GeoKind, string> = {
  team: "队",
  equipment: "装",
  warehouse: "库",
  shelter: "避",
  expert: "专",
  agreement: "协",
};

function icon(p: GeoPoint, highlighted = false): L.DivIcon {
  const kind = p.kind as GeoKind;
  const dim =
    p.status === "deployed" || p.status === "unavailable" || p.status === "closed" || p.status === "broken";
  return L.divIcon({
    className: "fh-res-pin-wrap",
    html: `<span class="fh-res-pin${dim ? " fh-res-pin-dim" : ""}${highlighted ? " fh-res-pin-hot" : ""}" style="background:${KIND_COLOURS[kind] ?? "#555"}">${KIND_GLYPH[kind] ?? "?"}</span>`,
    iconSize: [26, 26],
    iconAnchor: [13, 13],
    popupAnchor: [0, -12],
  });
}

interface NearestForm {
  lat?: number;
  lng?: number;
  kind: GeoKind;
  category?: string;
  status?: string;
  tag?: string;
  limit: number;
}

/**
 * 一张图: every located resource on an offline-capable Leaflet map (district outline, or a tile
 * server when configured), per-kind layers with clustering and popups, and nearest-K search from
 * an incident location with distances; results can be dispatched from here.
 */
export function MapPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [params] = useSearchParams();
  const mapDiv = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | undefined>(undefined);
  const groups = useRef(new Map<string, L.MarkerClusterGroup>());
  const overlay = useRef<L.LayerGroup | undefined>(undefined);
  const pin = useRef<L.Marker | undefined>(undefined);
  const [basemap, setBasemap] = useState<Basemap | undefined>(undefined);
  const [points, setPoints] = useState<GeoPoint[]>([]);
  const [truncated, setTruncated] = useState(false);
  const [visible, setVisible] = useState<GeoKind[]>(["team", "shelter", "warehouse", "equipment"]);
  const [tileUrl, setTileUrl] = useState<string>(() => localStorage.getItem(TILE_KEY) ?? "");
  const [results, setResults] = useState<GeoPoint[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [searching, setSearching] = useState(false);
  const [dispatching, setDispatching] = useState<DispatchTarget | undefined>(undefined);
  const [form] = Form.useForm<NearestForm>();
  const resultsRef = useRef<HTMLDivElement>(null);
  const kind = Form.useWatch("kind", form) ?? "team";
  const incidentId = params.get("incident") ?? undefined;

  // Map and basemap, once.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the Leaflet map is created once per mount
  useEffect(() => {
    if (!mapDiv.current || map.current) {
      return;
    }
    // maxZoom is required by clustering when no tile layer sets one (the offline basemap).
    const m = L.map(mapDiv.current, {
      zoomControl: true,
      attributionControl: true,
      keyboard: true,
      minZoom: 8,
      maxZoom: 18,
    });
    map.current = m;
    overlay.current = L.layerGroup().addTo(m);
    m.setView([39.95, 116.49], 11);
    const resize = new ResizeObserver(() => m.invalidateSize());
    resize.observe(mapDiv.current);
    m.on("click", (e: L.LeafletMouseEvent) => {
      form.setFieldsValue({ lat: Number(e.latlng.lat.toFixed(6)), lng: Number(e.latlng.lng.toFixed(6)) });
      placePin(e.latlng.lat, e.latlng.lng);
    });
    api
      .get<Basemap>("/api/resources/basemap")
      .then(setBasemap)
      .catch((e: unknown) => setError(errorMessage(e)));
    loadPoints();
    return () => {
      resize.disconnect();
      m.remove();
      map.current = undefined;
      groups.current.clear();
    };
  }, []);

  /** All located resources for the layers; again after a dispatch so statuses are current. */
  const loadPoints = useCallback(() => {
    api
      .get<{ items: GeoPoint[]; truncated: boolean }>("/api/resources/map", { limit: 20000 })
      .then((r) => {
        setPoints(r.items);
        setTruncated(r.truncated);
      })
      .catch((e: unknown) => setError(errorMessage(e)));
  }, []);

  const placePin = useCallback((lat: number, lng: number) => {
    const m = map.current;
    if (!m) {
      return;
    }
    pin.current?.remove();
    pin.current = L.marker([lat, lng], {
      icon: L.divIcon({
        className: "fh-res-pin-wrap",
        html: '<span class="fh-res-incident" aria-label="事发位置">✚</span>',
        iconSize: [30, 30],
        iconAnchor: [15, 15],
      }),
      keyboard: false,
      zIndexOffset: 1000,
    }).addTo(m);
  }, []);

  // Basemap: a configured tile server, else the district outline drawn offline.
  const tileLayer = useRef<L.Layer | undefined>(undefined);
  useEffect(() => {
    const m = map.current;
    if (!m || !basemap) {
      return;
    }
    tileLayer.current?.remove();
    const url = tileUrl || basemap.tileUrl;
    if (url) {
      tileLayer.current = L.tileLayer(url, { maxZoom: 19, attribution: basemap.tileAttribution ?? "" }).addTo(
        m,
      );
    }
    mapDiv.current?.classList.toggle("fh-res-map-offline", !url);
    if (basemap.outline) {
      const outline = L.geoJSON(basemap.outline, {
        style: { color: "#c62828", weight: 2, fillColor: "#fff8f0", fillOpacity: url ? 0 : 1 },
        interactive: false,
      }).addTo(m);
      outline.bringToBack();
      if (!params.get("lat")) {
        // The container may have been laid out after the map was created: measure again first.
        m.invalidateSize();
        m.fitBounds(outline.getBounds(), { padding: [8, 8] });
      }
      return () => {
        outline.remove();
      };
    }
    return undefined;
  }, [basemap, tileUrl, params]);

  // One cluster group per kind, rebuilt when the points change.
  // biome-ignore lint/correctness/useExhaustiveDependencies: popups render lazily with the current translations
  useEffect(() => {
    const m = map.current;
    if (!m) {
      return;
    }
    for (const g of groups.current.values()) {
      g.remove();
    }
    groups.current.clear();
    for (const k of GEO_KINDS) {
      const g = L.markerClusterGroup({
        maxClusterRadius: 40,
        showCoverageOnHover: false,
        chunkedLoading: true,
      });
      for (const p of points.filter((x) => x.kind === k)) {
        const marker = L.marker([p.lat, p.lng], { icon: icon(p), title: p.name, alt: p.name });
        marker.bindPopup(() => popupHtml(p));
        g.addLayer(marker);
      }
      groups.current.set(k, g);
    }
    return undefined;
  }, [points]);

  // Layer toggles.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the groups (a ref) are rebuilt when points change, so re-apply then
  useEffect(() => {
    const m = map.current;
    if (!m) {
      return;
    }
    for (const [k, g] of groups.current) {
      if (visible.includes(k as GeoKind)) {
        g.addTo(m);
      } else {
        g.remove();
      }
    }
  }, [visible, points]);

  // The popup's 调用 button opens the dispatch dialog.
  // biome-ignore lint/correctness/useExhaustiveDependencies: openDispatch only reads the form and state setters
  useEffect(() => {
    const m = map.current;
    if (!m) {
      return;
    }
    const onOpen = (e: L.PopupEvent) => {
      const el = e.popup.getElement();
      const button = el?.querySelector<HTMLButtonElement>("button[data-dispatch]");
      if (button) {
        button.onclick = () => {
          const p = points.find((x) => x.id === button.dataset.dispatch);
          if (p) {
            openDispatch(p);
          }
        };
      }
    };
    m.on("popupopen", onOpen);
    return () => {
      m.off("popupopen", onOpen);
    };
  }, [points]);

  const popupHtml = (p: GeoPoint) => {
    const kindLabel = t(`resources.kinds.${p.kind as GeoKind}`);
    const lines = [
      `<strong>${esc(p.name)}</strong>`,
      `<span class="fh-res-pop-kind">${esc(kindLabel)}${p.category ? ` · ${esc(categoryLabel(p.kind, p.category))}` : ""}</span>`,
      p.status ? `<span>${esc(statusLabel(p.kind, p.status))}</span>` : "",
      p.ownerUnitName ? `<span>${esc(t("resources.map.owner"))}：${esc(p.ownerUnitName)}</span>` : "",
      p.tags.length > 0 ? `<span>${p.tags.map(esc).join("、")}</span>` : "",
      p.distanceM !== undefined
        ? `<span>${esc(t("resources.map.distance"))}：${esc(formatDistance(p.distanceM, t))}</span>`
        : "",
      p.kind === "team" || p.kind === "equipment"
        ? `<button type="button" class="fh-res-pop-btn" data-dispatch="${esc(p.id)}">${esc(t("resources.map.dispatch"))}</button>`
        : "",
    ];
    return `<div class="fh-res-pop">${lines.filter(Boolean).join("")}</div>`;
  };

  const openDispatch = (p: GeoPoint) => {
    const v = form.getFieldsValue();
    setDispatching({
      resourceType: p.kind === "team" ? "team" : "equipment",
      resourceId: p.id,
      name: p.name,
      owningUnitId: p.ownerUnitId ?? "",
      ...(v.lat !== undefined && v.lng !== undefined ? { lat: v.lat, lng: v.lng } : {}),
      ...(incidentId ? { incidentId } : {}),
    });
  };

  const find = async () => {
    // A second search while one validates rejects the first as out of date; ignore it.
    const v = await form.validateFields().catch(() => undefined);
    if (!v) {
      return;
    }
    if (v.lat === undefined || v.lng === undefined) {
      return;
    }
    setSearching(true);
    setError(undefined);
    try {
      const r = await api.get<{ items: GeoPoint[] }>("/api/resources/nearest", {
        lat: v.lat,
        lng: v.lng,
        kind: v.kind,
        category: v.category,
        status: v.status,
        tag: v.tag,
        limit: v.limit,
      });
      setResults(r.items);
      drawResults(v.lat, v.lng, r.items);
      window.requestAnimationFrame(() =>
        resultsRef.current?.scrollIntoView({ block: "nearest", behavior: "smooth" }),
      );
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSearching(false);
    }
  };

  const drawResults = (lat: number, lng: number, items: GeoPoint[]) => {
    const m = map.current;
    const layer = overlay.current;
    if (!m || !layer) {
      return;
    }
    layer.clearLayers();
    placePin(lat, lng);
    const bounds = L.latLngBounds([[lat, lng]]);
    items.forEach((p, i) => {
      L.polyline(
        [
          [lat, lng],
          [p.lat, p.lng],
        ],
        {
          color: KIND_COLOURS[p.kind as GeoKind] ?? "#555",
          weight: i === 0 ? 3 : 1.5,
          dashArray: i === 0 ? undefined : "4 4",
        },
      ).addTo(layer);
      const marker = L.marker([p.lat, p.lng], { icon: icon(p, true), title: p.name, zIndexOffset: 500 });
      marker.bindPopup(() => popupHtml(p));
      marker.addTo(layer);
      bounds.extend([p.lat, p.lng]);
    });
    m.fitBounds(bounds, { padding: [40, 40], maxZoom: 15 });
  };

  // Arriving from an incident (…/resources/map?lat=&lng=&incident=): search at once.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the URL names a point, not on every render
  useEffect(() => {
    const lat = Number(params.get("lat"));
    const lng = Number(params.get("lng"));
    if (params.get("lat") && Number.isFinite(lat) && Number.isFinite(lng) && map.current) {
      form.setFieldsValue({ lat, lng });
      placePin(lat, lng);
      void find();
    }
  }, [params]);

  const categoryLabel = (k: string, c: string) =>
    k === "team"
      ? (TEAM_KIND_LABELS[c as keyof typeof TEAM_KIND_LABELS] ?? c)
      : k === "shelter"
        ? (SHELTER_TYPE_LABELS[c as keyof typeof SHELTER_TYPE_LABELS] ?? c)
        : c;
  const statusLabel = (k: string, s: string) =>
    k === "shelter"
      ? (SHELTER_STATUS_LABELS[s as keyof typeof SHELTER_STATUS_LABELS] ?? s)
      : (TEAM_STATUS_LABELS[s as keyof typeof TEAM_STATUS_LABELS] ?? s);

  const counts = useMemo(() => {
    const c = new Map<string, number>();
    for (const p of points) {
      c.set(p.kind, (c.get(p.kind) ?? 0) + 1);
    }
    return c;
  }, [points]);

  const categoryOptions: { value: string; label: string }[] =
    kind === "team"
      ? Object.entries(TEAM_KIND_LABELS).map(([value, label]) => ({ value, label }))
      : kind === "shelter"
        ? Object.entries(SHELTER_TYPE_LABELS).map(([value, label]) => ({ value, label }))
        : [];
  const statusOptions: { value: string; label: string }[] =
    kind === "team"
      ? Object.entries(TEAM_STATUS_LABELS).map(([value, label]) => ({ value, label }))
      : kind === "shelter"
        ? Object.entries(SHELTER_STATUS_LABELS).map(([value, label]) => ({ value, label }))
        : [];

  return (
    <div className="fh-res-mapwrap">
      <Card className="fh-res-side" size="small">
        <Flex vertical gap={12}>
          <div>
            <Typography.Text strong>{t("resources.map.layers")}</Typography.Text>
            <Checkbox.Group
              className="fh-res-layers"
              value={visible}
              onChange={(v) => setVisible(v as GeoKind[])}
              options={GEO_KINDS.map((k) => ({
                value: k,
                label: (
                  <Space size={6}>
                    <span className="fh-res-swatch" style={{ background: KIND_COLOURS[k] }}>
                      {KIND_GLYPH[k]}
                    </span>
                    {t(`resources.kinds.${k}`)}
                    <Typography.Text type="secondary">{counts.get(k) ?? 0}</Typography.Text>
                  </Space>
                ),
              }))}
            />
          </div>
          <div>
            <Typography.Text strong>{t("resources.map.nearestTitle")}</Typography.Text>
            <Typography.Paragraph type="secondary" style={{ margin: "2px 0 8px", fontSize: 12 }}>
              <AimOutlined /> {t("resources.map.nearestHint")}
            </Typography.Paragraph>
            <Form
              form={form}
              layout="vertical"
              size="small"
              initialValues={{ kind: "team", status: "available", limit: 5 }}
              onFinish={find}
            >
              <Flex gap={8}>
                <Form.Item
                  name="lat"
                  label={t("resources.map.lat")}
                  rules={[{ required: true, message: t("resources.form.required") }]}
                  style={{ flex: 1 }}
                >
                  <InputNumber
                    style={{ width: "100%" }}
                    step={0.001}
                    precision={6}
                    min={-90}
                    max={90}
                    id="nearest-lat"
                  />
                </Form.Item>
                <Form.Item
                  name="lng"
                  label={t("resources.map.lng")}
                  rules={[{ required: true, message: t("resources.form.required") }]}
                  style={{ flex: 1 }}
                >
                  <InputNumber
                    style={{ width: "100%" }}
                    step={0.001}
                    precision={6}
                    min={-180}
                    max={180}
                    id="nearest-lng"
                  />
                </Form.Item>
              </Flex>
              <Flex gap={8}>
                <Form.Item name="kind" label={t("resources.map.kind")} style={{ flex: 1 }}>
                  <Select
                    options={GEO_KINDS.map((k) => ({ value: k, label: t(`resources.kinds.${k}`) }))}
                    onChange={() => form.setFieldsValue({ category: undefined, status: undefined })}
                  />
                </Form.Item>
                <Form.Item name="limit" label={t("resources.map.limit")} style={{ width: 80 }}>
                  <InputNumber min={1} max={50} precision={0} style={{ width: "100%" }} />
                </Form.Item>
              </Flex>
              <Flex gap={8}>
                <Form.Item name="category" label={t("resources.map.category")} style={{ flex: 1 }}>
                  <Select
                    allowClear
                    placeholder={t("resources.map.anyCategory")}
                    options={categoryOptions}
                    disabled={categoryOptions.length === 0}
                  />
                </Form.Item>
                <Form.Item name="status" label={t("resources.map.status")} style={{ flex: 1 }}>
                  <Select
                    allowClear
                    placeholder={t("resources.map.anyStatus")}
                    options={statusOptions}
                    disabled={statusOptions.length === 0}
                  />
                </Form.Item>
              </Flex>
              {kind === "team" || kind === "expert" ? (
                <Form.Item name="tag" label={t("resources.map.tag")}>
                  <Select
                    allowClear
                    showSearch
                    options={TEAM_SPECIALTIES.map((s) => ({ value: s, label: s }))}
                  />
                </Form.Item>
              ) : null}
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />} loading={searching} block>
                {t("resources.map.find")}
              </Button>
            </Form>
          </div>
          {error ? <Alert type="error" showIcon title={error} /> : null}
          <div ref={resultsRef} />
          {results ? (
            results.length === 0 ? (
              <Empty description={t("resources.map.noResults")} image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <div className="fh-res-results" aria-live="polite">
                <Typography.Text strong>
                  {t("resources.map.results", { count: results.length })}
                </Typography.Text>
                <ol>
                  {results.map((p, i) => (
                    <li key={p.id} className="fh-res-result">
                      <Flex justify="space-between" align="flex-start" gap={8}>
                        <Flex vertical gap={2} style={{ minWidth: 0 }}>
                          <Typography.Text strong ellipsis>
                            {i + 1}. {p.name}
                          </Typography.Text>
                          <Space size={4} wrap>
                            <Tag color="blue">{formatDistance(p.distanceM ?? 0, t)}</Tag>
                            {p.status ? <Tag>{statusLabel(p.kind, p.status)}</Tag> : null}
                            {p.ownerUnitName ? (
                              <Typography.Text type="secondary">{p.ownerUnitName}</Typography.Text>
                            ) : null}
                          </Space>
                        </Flex>
                        {p.kind === "team" || p.kind === "equipment" ? (
                          <Button
                            size="small"
                            type={i === 0 ? "primary" : "default"}
                            disabled={p.kind === "team" && p.status !== "available"}
                            onClick={() => openDispatch(p)}
                          >
                            {t("resources.map.dispatch")}
                          </Button>
                        ) : null}
                      </Flex>
                    </li>
                  ))}
                </ol>
              </div>
            )
          ) : null}
          <Collapse
            size="small"
            items={[
              {
                key: "tiles",
                label: t("resources.map.tileUrl"),
                children: (
                  <Flex vertical gap={4}>
                    <Input
                      allowClear
                      defaultValue={tileUrl}
                      placeholder="http://tiles.local/{z}/{x}/{y}.png"
                      onBlur={(e) => {
                        const v = e.target.value.trim();
                        localStorage.setItem(TILE_KEY, v);
                        setTileUrl(v);
                      }}
                    />
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t("resources.map.tileUrlHelp")}
                    </Typography.Text>
                  </Flex>
                ),
              },
            ]}
          />
        </Flex>
      </Card>
      <div className="fh-res-mapbox">
        {!(tileUrl || basemap?.tileUrl) ? (
          <div className="fh-res-map-note">{t("resources.map.basemapOffline")}</div>
        ) : null}
        {truncated ? (
          <div className="fh-res-map-note fh-res-map-note-right">
            {t("resources.map.truncated", { count: points.length })}
          </div>
        ) : null}
        <div ref={mapDiv} className="fh-res-map" role="application" aria-label={t("resources.tabs.map")} />
      </div>
      <DispatchModal
        target={dispatching}
        onClose={() => setDispatching(undefined)}
        onDone={(d) => {
          setDispatching(undefined);
          message.success(
            t("resources.dispatch.submitted", {
              state: t(`resources.dispatchStates.${d.state as "requested"}`),
            }),
          );
          loadPoints();
        }}
      />
    </div>
  );
}
