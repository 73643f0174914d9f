// Grafana colour names (`green`, `semi-dark-red`, `#ff0000`) as CSS colours, and the panel series palette.

const BASE: Record<string, [string, string, string, string, string]> = {
  // super-light, light, (base), semi-dark, dark — Grafana's classic named hues.
  red: ['#ffa6b0', '#ff7383', '#f2495c', '#e02f44', '#c4162a'],
  orange: ['#ffcb7d', '#ffb357', '#ff9830', '#ff780a', '#fa6400'],
  yellow: ['#fff899', '#ffee52', '#fade2a', '#f2cc0c', '#e0b400'],
  green: ['#c8f2c2', '#96d98d', '#73bf69', '#56a64b', '#37872d'],
  blue: ['#c0d8ff', '#8ab8ff', '#5794f2', '#3274d9', '#1f60c4'],
  purple: ['#deb6f2', '#ca95e5', '#b877d9', '#a352cc', '#8f3bb8'],
};
const SHADES = ['super-light-', 'light-', '', 'semi-dark-', 'dark-'];

/** A CSS colour for a Grafana colour name; anything else (hex, rgb(), CSS names) passes through. */
export function cssColor(name: string | undefined, fallback = '#73bf69'): string {
  if (!name) return fallback;
  const n = name.trim().toLowerCase();
  for (let s = 0; s < SHADES.length; s++) {
    if (!n.startsWith(SHADES[s])) continue;
    const hue = BASE[n.slice(SHADES[s].length)];
    if (hue) return hue[s];
  }
  if (n === 'text') return 'var(--text)';
  if (n === 'transparent') return 'transparent';
  return name;
}

const PALETTE = ['#73bf69', '#f2cc0c', '#8ab8ff', '#ff780a', '#f2495c', '#5794f2', '#b877d9', '#705da0', '#37872d', '#fade2a', '#447ebc', '#c15c17'];

/** The i-th series colour of a panel (Grafana's classic palette order). */
export function paletteColor(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}
