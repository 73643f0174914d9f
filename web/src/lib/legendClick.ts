// What a click on a legend entry does to the set of hidden series (Grafana's rules).

/**
 * Hidden series after clicking entry `i` of `count`. A plain click isolates the series, or shows all again when it
 * already is the only one visible; with `additive` (Ctrl, Cmd or Shift held) it toggles just that series.
 */
export function legendClick(hidden: ReadonlySet<number>, i: number, count: number, additive: boolean): Set<number> {
  if (additive) {
    const next = new Set(hidden);
    if (!next.delete(i)) next.add(i);
    return next;
  }
  const isolated = !hidden.has(i) && hidden.size === count - 1;
  if (isolated) return new Set();
  const next = new Set<number>();
  for (let j = 0; j < count; j++) if (j !== i) next.add(j);
  return next;
}
