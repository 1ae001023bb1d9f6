/**
 * Kubernetes' resource.Quantity in its canonical string form, the form a Go client writes back after
 * decoding a quantity: "0.5" -> "500m", "1000m" -> "1", "1.5Gi" -> "1536Mi", "2048Ki" -> "2Mi".
 *
 * Guarantees: the same string apimachinery's Quantity.String() gives for values a pod template holds
 * (checked against Go by the revision-hash golden test); parsing rounds up to nano, as Kubernetes does.
 * Caveats: input that is not a quantity is returned unchanged (a Go client would reject it); values
 * beyond 10^21 keep their exponent form.
 */

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_EXPONENT = new Map(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s]));

type Format = "DecimalSI" | "BinarySI" | "DecimalExponent";

/** A quantity as an exact rational: sign * num / den, with den a power of ten. */
interface Parsed {
  readonly negative: boolean;
  readonly num: bigint;
  readonly den: bigint;
  readonly format: Format;
}

const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?([a-zA-Z]*|[eE][+-]?\d+)$/;

function parse(text: string): Parsed | undefined {
  const m = QUANTITY.exec(text.trim());
  if (m === null) return undefined;
  const [, sign = "", whole = "", frac = "", suffix = ""] = m;
  if (whole === "" && frac === "") return undefined;
  let num = BigInt(whole + frac || "0");
  let den = 10n ** BigInt(frac.length);
  let format: Format;
  if (suffix in BINARY_SUFFIXES) {
    format = "BinarySI";
    num *= 2n ** BigInt(BINARY_SUFFIXES[suffix] ?? 0);
  } else if (suffix in DECIMAL_SUFFIXES) {
    format = "DecimalSI";
    const e = DECIMAL_SUFFIXES[suffix] ?? 0;
    if (e >= 0) num *= 10n ** BigInt(e);
    else den *= 10n ** BigInt(-e);
  } else if (/^[eE]/.test(suffix)) {
    format = "DecimalExponent";
    const e = Number(suffix.slice(1));
    if (e >= 0) num *= 10n ** BigInt(e);
    else den *= 10n ** BigInt(-e);
  } else {
    return undefined;
  }
  return { negative: sign === "-" && num !== 0n, num, den, format };
}

/** Rounds |value| up (away from zero) to a multiple of 10^scale. */
function roundUpTo(p: Parsed, scale: number): Parsed {
  const unit = scale >= 0 ? 10n ** BigInt(scale) : 1n;
  const den = scale >= 0 ? 1n : 10n ** BigInt(-scale);
  // value in units of 10^scale: num/den * den'/unit'
  const scaledNum = p.num * den;
  const scaledDen = p.den * unit;
  let units = scaledNum / scaledDen;
  if (units * scaledDen !== scaledNum) units += 1n;
  return { ...p, num: units * unit, den };
}

/** mantissa * 10^exponent with exponent a multiple of 3 and the mantissa free of factors 10 it could give up. */
function decimalCanonical(p: Parsed): { mantissa: bigint; exponent: number } {
  // den is a power of ten; write the value as mantissa * 10^exponent with an integer mantissa.
  let mantissa = p.num;
  let exponent = -(p.den.toString().length - 1);
  if (mantissa === 0n) return { mantissa, exponent: 0 };
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent += 1;
  }
  while (((exponent % 3) + 3) % 3 !== 0) {
    mantissa *= 10n;
    exponent -= 1;
  }
  return { mantissa, exponent };
}

function formatDecimal(p: Parsed, format: Format): string {
  const { mantissa, exponent } = decimalCanonical(p);
  const sign = p.negative ? "-" : "";
  let suffix: string;
  if (format === "DecimalExponent") suffix = exponent === 0 ? "" : `e${exponent}`;
  else suffix = DECIMAL_BY_EXPONENT.get(exponent) ?? `e${exponent}`;
  return `${sign}${mantissa}${suffix}`;
}

function canonical(p: Parsed): string {
  if (p.num === 0n) return "0";
  if (p.format === "BinarySI") {
    const integral = p.num % p.den === 0n;
    const small = p.num < 1024n * p.den;
    if (integral && !small) {
      let value = p.num / p.den;
      let exponent = 0;
      while (value % 1024n === 0n && exponent < 60) {
        value /= 1024n;
        exponent += 10;
      }
      return `${p.negative ? "-" : ""}${value}${BINARY_BY_EXPONENT.get(exponent) ?? ""}`;
    }
    return formatDecimal(p, "DecimalSI");
  }
  return formatDecimal(p, p.format);
}

/**
 * The canonical form of a quantity given as a string or a JSON number. `roundUpToScale` rounds up to
 * 10^scale first (the API server rounds resource requests and limits up to milli units: -3).
 */
export function canonicalQuantity(value: string | number, roundUpToScale?: number): string | number {
  const parsed = parse(String(value));
  if (parsed === undefined) return value;
  let p = roundUpTo(parsed, -9);
  if (roundUpToScale !== undefined) p = roundUpTo(p, roundUpToScale);
  return canonical(p);
}
