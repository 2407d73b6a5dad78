/** One benchmark figure: printed as a single JSON line, the format bench/RESULTS.md quotes. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
}

export function report(figure: Figure): void {
  const rounded = {
    ...figure,
    value: round(figure.value),
    ...(figure.baseline !== undefined ? { baseline: round(figure.baseline) } : {}),
    ...(figure.ratio !== undefined ? { ratio: round(figure.ratio, 3) } : {}),
  };
  console.log(JSON.stringify(rounded));
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Compares a figure with its baseline measured in the same run. */
export function versus(name: string, value: number, baseline: number, unit: string): void {
  report({ name, value, unit, baseline, ratio: value / baseline });
}
