import { Button, Flex, Typography } from "antd";
import L from "leaflet";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { districtMap } from "./district.js";

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
    const m = districtMap(container.current, {});
    map.current = m;
    m.on("click", (e: L.LeafletMouseEvent) => {
      change.current?.({ lat: Number(e.latlng.lat.toFixed(6)), lng: Number(e.latlng.lng.toFixed(6)) });
    });
    return () => {
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
