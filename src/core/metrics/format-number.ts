/**
 * Numbers for people: a few significant digits, no binary noise (0.30000000000000004 → 0.3),
 * integers in full, exponents only for very small or very large magnitudes.
 */
export function formatNumber(x: number, digits = 6): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (Number.isInteger(x) && abs < 1e15) return String(x);
  if (abs >= 1e-4 && abs < 1e15) return String(Number(x.toPrecision(digits)));
  return trimExponent(x.toExponential(digits - 1));
}

/** With an explicit sign, as a difference: +0.01, -0.2, 0. */
export function formatSigned(x: number, digits = 6): string {
  const text = formatNumber(x, digits);
  return x > 0 ? `+${text}` : text;
}

/** A ratio as a signed percent: 0.045 → +4.5%; small ones keep two significant digits. */
export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return String(ratio);
  const p = ratio * 100;
  if (p === 0) return '0%';
  const abs = Math.abs(p);
  const text = abs >= 1 ? String(Number(abs.toFixed(1))) : String(Number(abs.toPrecision(2)));
  return `${p > 0 ? '+' : '-'}${text}%`;
}

/**
 * Two values side by side with enough digits that different values never print the same
 * (0.9781249761581421 and 0.978125 must not both show as 0.978125).
 */
export function formatPair(a: number, b: number): [string, string] {
  for (let digits = 6; digits <= 17; digits++) {
    const fa = formatNumber(a, digits);
    const fb = formatNumber(b, digits);
    if (fa !== fb || a === b) return [fa, fb];
  }
  return [String(a), String(b)];
}

/** A confidence interval: [-0.052, -0.031]. */
export function formatInterval(ci: readonly [number, number]): string {
  return `[${formatSigned(ci[0], 3)}, ${formatSigned(ci[1], 3)}]`;
}

function trimExponent(text: string): string {
  // 1.20000e-7 → 1.2e-7
  return text.replace(/\.?0+e/, 'e').replace('e+', 'e');
}
