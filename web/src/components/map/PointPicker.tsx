import { Button, Flex, Typography } from "antd";
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { loadDistrict } from "../../pages/warnings/WarningMap.js";

export interface LatLng {
  lat: number;
  lng: number;
}

/**
 * A point on the district map, as a form control (value / onChange): click to set, click again to
 * move, 清除 to remove. Works offline on the district outline; tiles only when the server names them.
 */
export function PointPicker({
  value,
  onChange,
  height = 220,
}: {
  value?: LatLng | undefined;
  onChange?: (value: LatLng | undefined) => void;
  height?: number;
}) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const marker = useRef<L.CircleMarker | null>(null);
  const change = useRef(onChange);
  change.current = onChange;

  useEffect(() => {
    if (!container.current || map.current) {
      return;
    }
    const m = L.map(container.current, {
      zoomAnimation: false,
      fadeAnimation: false,
      doubleClickZoom: false,
    });
    map.current = m;
    let cancelled = false;
    void loadDistrict().then((d) => {
      if (cancelled) {
        return;
      }
      if (d.tileUrl) {
        L.tileLayer(d.tileUrl, { attribution: d.tileAttribution ?? "" }).addTo(m);
      }
      L.geoJSON(d.outline, {
        style: { color: "#475569", weight: 2, fillColor: "#e2e8f0", fillOpacity: d.tileUrl ? 0.1 : 0.6 },
        interactive: false,
      }).addTo(m);
      m.fitBounds(
        [
          [d.bbox[1], d.bbox[0]],
          [d.bbox[3], d.bbox[2]],
        ],
        { animate: false },
      );
    });
    m.on("click", (e: L.LeafletMouseEvent) => {
      change.current?.({ lat: Number(e.latlng.lat.toFixed(6)), lng: Number(e.latlng.lng.toFixed(6)) });
    });
    return () => {
      cancelled = true;
      m.remove();
      map.current = null;
    };
  }, []);

  useEffect(() => {
    const m = map.current;
    if (!m) {
      return;
    }
    marker.current?.remove();
    marker.current = value
      ? L.circleMarker([value.lat, value.lng], { radius: 7, color: "#b91c1c", fillOpacity: 0.8 }).addTo(m)
      : null;
  }, [value]);

  return (
    <div>
      <div ref={container} style={{ height, borderRadius: 6 }} data-testid="point-picker" />
      <Flex justify="space-between" align="center" style={{ marginTop: 4 }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="point-picker-value">
          {value ? `${value.lat.toFixed(5)}, ${value.lng.toFixed(5)}` : t("incidents.mapPointHint")}
        </Typography.Text>
        {value ? (
          <Button size="small" onClick={() => onChange?.(undefined)}>
            {t("incidents.mapPointClear")}
          </Button>
        ) : null}
      </Flex>
    </div>
  );
}
