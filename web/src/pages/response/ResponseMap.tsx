import { Button, Flex, Typography } from "antd";
import L from "leaflet";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { districtMap } from "../../components/map/district.js";
import { drawSketch } from "../../components/map/sketch.js";
import { textContent } from "../../components/map/text.js";
import type { Workspace } from "./api.js";

const CORDON_COLOURS: Record<string, string> = {
  core: "#b91c1c",
  safety: "#d97706",
  alert_zone: "#7c3aed",
  traffic: "#2563eb",
};

/**
 * The scene on the district outline (an offline basemap; tiles only when the server names a tile
 * URL): the incident, the command post, cordons and dispatched resources. With `onDraw` the user
 * clicks points and finishes a cordon; Esc cancels.
 */
export function ResponseMap({
  workspace,
  drawing,
  onDraw,
}: {
  workspace: Workspace;
  drawing: boolean;
  onDraw: (points: [number, number][] | null) => void;
}) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const layer = useRef<L.LayerGroup | null>(null);
  const sketch = useRef<L.LayerGroup | null>(null);
  const [ready, setReady] = useState(false);
  const [points, setPoints] = useState<[number, number][]>([]);
  const state = useRef({ drawing, points });
  state.current = { drawing, points };

  useEffect(() => {
    if (!container.current || map.current) {
      return;
    }
    const m = districtMap(container.current, { zoomControl: true }, () => setReady(true));
    map.current = m;
    layer.current = L.layerGroup().addTo(m);
    sketch.current = L.layerGroup().addTo(m);
    m.on("click", (e: L.LeafletMouseEvent) => {
      if (state.current.drawing) {
        setPoints([
          ...state.current.points,
          [Number(e.latlng.lng.toFixed(6)), Number(e.latlng.lat.toFixed(6))],
        ]);
      }
    });
    return () => {
      m.remove();
      map.current = null;
    };
  }, []);

  useEffect(() => {
    const group = layer.current;
    const m = map.current;
    if (!group || !m || !ready) {
      return;
    }
    group.clearLayers();
    const i = workspace.incident;
    const bounds: L.LatLng[] = [];
    if (i.lat !== null && i.lng !== null) {
      const p = L.latLng(i.lat, i.lng);
      L.circleMarker(p, { radius: 9, color: "#b91c1c", weight: 3, fillColor: "#ef4444", fillOpacity: 0.9 })
        .bindTooltip(textContent(`${t("response.map.incident")}：${i.title}`), { permanent: false })
        .addTo(group);
      bounds.push(p);
    }
    const post = workspace.post;
    if (post && post.lat !== null && post.lng !== null) {
      const p = L.latLng(post.lat, post.lng);
      L.marker(p, {
        icon: L.divIcon({ className: "fh-map-post", html: "指", iconSize: [24, 24], iconAnchor: [-6, 30] }),
        title: post.name,
      })
        .bindTooltip(textContent(`${t("response.map.post")}：${post.name}`))
        .addTo(group);
      bounds.push(p);
    }
    for (const c of post?.cordons ?? []) {
      const colour = CORDON_COLOURS[c.kind] ?? "#b91c1c";
      const rings =
        c.geometry.type === "Polygon"
          ? ((c.geometry.coordinates as number[][][])[0] ?? [])
          : (c.geometry.coordinates as number[][]);
      const latlngs = rings.map(([lng, lat]) => L.latLng(lat ?? 0, lng ?? 0));
      const shape =
        c.geometry.type === "Polygon"
          ? L.polygon(latlngs, { color: colour, weight: 3, dashArray: "6 4", fillOpacity: 0.08 })
          : L.polyline(latlngs, { color: colour, weight: 3, dashArray: "6 4" });
      shape.bindTooltip(textContent(c.name)).addTo(group);
      bounds.push(...latlngs);
    }
    for (const d of workspace.dispatches) {
      if (d.lat !== null && d.lng !== null) {
        const p = L.latLng(d.lat, d.lng);
        L.circleMarker(p, { radius: 6, color: "#1d4ed8", fillColor: "#3b82f6", fillOpacity: 0.9 })
          .bindTooltip(textContent(`${d.resourceName} × ${d.quantity}`))
          .addTo(group);
        bounds.push(p);
      }
    }
    if (bounds.length > 0) {
      m.fitBounds(L.latLngBounds(bounds).pad(0.6), { maxZoom: 15 });
    }
  }, [workspace, ready, t]);

  useEffect(() => {
    const group = sketch.current;
    if (!group) {
      return;
    }
    drawSketch(group, points);
  }, [points]);

  useEffect(() => {
    if (!drawing) {
      setPoints([]);
    }
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && state.current.drawing) {
        setPoints([]);
        onDraw(null);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [drawing, onDraw]);

  return (
    <div className="fh-response-map-wrap">
      <div ref={container} className="fh-response-map" data-testid="response-map" />
      {drawing ? (
        <Flex className="fh-map-drawbar" gap={8} align="center" wrap>
          <Typography.Text>{t("response.map.drawHint", { count: points.length })}</Typography.Text>
          <Button size="small" type="primary" disabled={points.length < 2} onClick={() => onDraw(points)}>
            {t("response.map.finish")}
          </Button>
          <Button size="small" onClick={() => onDraw(null)}>
            {t("common.cancel")}
          </Button>
        </Flex>
      ) : null}
      <Flex gap={12} className="fh-map-legend" wrap>
        <span>
          <i style={{ background: "#ef4444" }} /> {t("response.map.incident")}
        </span>
        <span>
          <i style={{ background: "#1f2937" }} /> {t("response.map.post")}
        </span>
        <span>
          <i style={{ background: CORDON_COLOURS.core }} /> {t("response.cordonKinds.core")}
        </span>
        <span>
          <i style={{ background: CORDON_COLOURS.safety }} /> {t("response.cordonKinds.safety")}
        </span>
        <span>
          <i style={{ background: "#3b82f6" }} /> {t("response.map.resources")}
        </span>
      </Flex>
    </div>
  );
}
