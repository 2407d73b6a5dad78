import type { WarningColour } from "../../../../shared/plan/schema.js";
import type { AreaShape } from "../geo/index.js";

/** What one CAP message says: the warning as published in it. */
export interface CapSnapshot {
  title: string;
  colour: WarningColour;
  subtypeId: string | null;
  subtypeName: string | null;
  issuerName: string;
  onsetAt: string | null;
  expiresAt: string | null;
  content: {
    precautions?: string;
    situation?: string;
    governmentMeasures?: string;
    publicAdvice?: string;
    hotline?: string;
    en?: { title?: string; description?: string; instruction?: string };
  };
  area: { divisionCodes: string[]; features: AreaShape[]; description?: string };
  areaNames: string[];
  governedBy?: string;
  /** For a relayed warning: the upper-level alert it relays. */
  relayOf?: { sender: string; identifier: string; sent: string };
}
