import type { Feature } from "geojson";
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import { api } from "../../api/client.js";

/** The district's outline and optional tile server (`GET /api/public/geo/district`). */
export interface DistrictGeo {
  code: string;
  name: string;
  bbox: [number, number, number, number];
  tileUrl: string | null;
  tileAttribution: string | null;
  outline: Feature;
}

let districtPromise: Promise<DistrictGeo> | undefined;
/** Loaded once per page: every map and the public portal's title share it. */
export function loadDistrict(): Promise<DistrictGeo> {
  districtPromise ??= api.get<DistrictGeo>("/api/public/geo/district");
  return districtPromise;
}

/**
 * A Leaflet map on the district basemap: the outline, which works offline, under tiles only when the
 * server names a tile URL, fitted to the district. `onReady` runs once the basemap is drawn (or could
 * not be loaded), never after the map has been removed.
 */
export function districtMap(container: HTMLElement, options: L.MapOptions, onReady?: () => void): L.Map {
  const m = L.map(container, {
    doubleClickZoom: false,
    // No animations: navigating away mid-zoom must not leave Leaflet animating a removed map.
    zoomAnimation: false,
    fadeAnimation: false,
    markerZoomAnimation: false,
    ...options,
  });
  let removed = false;
  m.on("unload", () => {
    removed = true;
  });
  loadDistrict()
    .then((d) => {
      if (removed) {
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
      onReady?.();
    })
    .catch(() => {
      if (!removed) {
        onReady?.();
      }
    });
  return m;
}
