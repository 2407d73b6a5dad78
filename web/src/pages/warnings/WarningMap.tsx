import { Button, Flex, InputNumber, Space, Typography } from "antd";
import L from "leaflet";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { COLOUR_HEX, MAX_POLYGON_VERTICES } from "../../../../shared/warnings.js";
import { districtMap } from "../../components/map/district.js";
import { drawSketch } from "../../components/map/sketch.js";
import type { AreaFeature, Colour } from "./api.js";

type Mode = "view" | "polygon" | "circle";

/**
 * The warning area on a map: the district outline (works offline), tiles only when the server names
 * a tile URL, the drawn polygons and circles. With `onChange` the user can draw: click points and
 * finish a polygon, or click a centre for a circle of the chosen radius. Esc cancels drawing.
 */
export function WarningMap({
  features,
  colour = "blue",
  onChange,
  height = 360,
  testId,
}: {
  features: AreaFeature[];
  colour?: Colour;
  onChange?: (features: AreaFeature[]) => void;
  height?: number;
  testId?: string;
}) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const shapes = useRef<L.LayerGroup | null>(null);
  const sketch = useRef<L.LayerGroup | null>(null);
  const [mode, setMode] = useState<Mode>("view");
  const [points, setPoints] = useState<[number, number][]>([]);
  const [radius, setRadius] = useState<number>(1);
  const [ready, setReady] = useState(false);
  const state = useRef({ mode, points, radius, features, onChange });
  state.current = { mode, points, radius, features, onChange };

  useEffect(() => {
    if (!container.current || map.current) {
      return;
    }
    const m = districtMap(container.current, { zoomControl: true, attributionControl: true }, () =>
      setReady(true),
    );
    map.current = m;
    shapes.current = L.layerGroup().addTo(m);
    sketch.current = L.layerGroup().addTo(m);
    m.on("click", (e: L.LeafletMouseEvent) => {
      const s = state.current;
      const lonLat: [number, number] = [Number(e.latlng.lng.toFixed(5)), Number(e.latlng.lat.toFixed(5))];
      if (s.mode === "polygon" && s.points.length < MAX_POLYGON_VERTICES - 1) {
        setPoints([...s.points, lonLat]);
      } else if (s.mode === "circle" && s.onChange) {
        s.onChange([
          ...s.features,
          {
            type: "Feature",
            properties: { radiusKm: s.radius },
            geometry: { type: "Point", coordinates: lonLat },
          },
        ]);
        setMode("view");
      }
    });
    return () => {
      m.remove();
      map.current = null;
    };
  }, []);

  // Draw the shapes whenever they change.
  useEffect(() => {
    const group = shapes.current;
    if (!group) {
      return;
    }
    group.clearLayers();
    const style = { color: COLOUR_HEX[colour], weight: 2, fillOpacity: 0.25 };
    const bounds: L.LatLngBounds[] = [];
    for (const f of features) {
      if (f.geometry.type === "Polygon") {
        const ring = (f.geometry.coordinates[0] ?? []).map(([lon, lat]) => L.latLng(lat ?? 0, lon ?? 0));
        const layer = L.polygon(ring, style).addTo(group);
        bounds.push(layer.getBounds());
      } else {
        const [lon, lat] = f.geometry.coordinates;
        const layer = L.circle(L.latLng(lat ?? 0, lon ?? 0), {
          ...style,
          radius: (f as { properties: { radiusKm: number } }).properties.radiusKm * 1000,
        }).addTo(group);
        bounds.push(layer.getBounds());
      }
    }
    if (!onChange && bounds.length > 0 && ready && map.current) {
      const all = bounds.reduce(
        (acc, b) => acc.extend(b),
        L.latLngBounds(bounds[0]?.getSouthWest() ?? [0, 0], bounds[0]?.getNorthEast() ?? [0, 0]),
      );
      map.current.fitBounds(all.pad(0.8), { animate: false });
    }
  }, [features, colour, ready, onChange]);

  // The polygon being drawn.
  useEffect(() => {
    const group = sketch.current;
    if (!group) {
      return;
    }
    drawSketch(group, points);
  }, [points]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setMode("view");
        setPoints([]);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const finishPolygon = () => {
    if (points.length >= 3 && onChange) {
      const first = points[0] as [number, number];
      onChange([
        ...features,
        {
          type: "Feature",
          properties: null,
          geometry: { type: "Polygon", coordinates: [[...points, first]] },
        },
      ]);
    }
    setPoints([]);
    setMode("view");
  };

  return (
    <div className="fh-warning-map" data-testid={testId}>
      {onChange ? (
        <Flex gap={8} wrap align="center" className="fh-map-toolbar">
          <Button
            size="small"
            type={mode === "polygon" ? "primary" : "default"}
            onClick={() => {
              setPoints([]);
              setMode("polygon");
            }}
          >
            {t("warnings.map.drawPolygon")}
          </Button>
          {mode === "polygon" ? (
            <Button size="small" disabled={points.length < 3} onClick={finishPolygon}>
              {t("warnings.map.finish", { count: points.length })}
            </Button>
          ) : null}
          <Space size={4}>
            <Button
              size="small"
              type={mode === "circle" ? "primary" : "default"}
              onClick={() => setMode("circle")}
            >
              {t("warnings.map.drawCircle")}
            </Button>
            <InputNumber
              size="small"
              min={0.1}
              max={50}
              step={0.5}
              value={radius}
              onChange={(v) => setRadius(v ?? 1)}
              aria-label={t("warnings.map.radius")}
              suffix="km"
              style={{ width: 96 }}
            />
          </Space>
          <Button size="small" danger disabled={features.length === 0} onClick={() => onChange([])}>
            {t("warnings.map.clear")}
          </Button>
          <Typography.Text type="secondary" className="fh-map-hint">
            {mode === "polygon"
              ? t("warnings.map.polygonHint")
              : mode === "circle"
                ? t("warnings.map.circleHint")
                : t("warnings.map.shapes", { count: features.length })}
          </Typography.Text>
        </Flex>
      ) : null}
      <div ref={container} style={{ height }} className="fh-map-canvas" />
    </div>
  );
}
