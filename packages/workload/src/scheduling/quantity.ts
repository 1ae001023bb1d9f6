/**
 * Parses a Kubernetes resource quantity ("500m", "2", "128Mi", "1G", "1e3") into a number in base units
 * (cores for cpu, bytes for memory). Returns undefined for text that is not a quantity.
 */
export function parseQuantity(text: string | number | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (typeof text === "number") return text;
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/.exec(
    text.trim(),
  );
  if (!match?.[1]) return undefined;
  const base = Number.parseFloat(match[1]);
  if (match[2]) return base * 10 ** Number.parseInt(match[2].slice(1), 10);
  return base * (QUANTITY_SUFFIX_FACTOR[match[3] ?? ""] ?? 1);
}

/**
 * What each Kubernetes quantity suffix multiplies by ("" is a plain number): decimal SI n to E, binary Ki to Ei.
 * The one table for every quantity reader (node fit here, SidecarSet's resourcesPolicy expressions).
 */
export const QUANTITY_SUFFIX_FACTOR: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
