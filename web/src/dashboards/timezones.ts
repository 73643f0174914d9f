// The time zones a dashboard offers: the browser's, UTC, and the dashboard's own or the URL's when they name another.

/** True for `browser`, `utc` and any IANA zone this browser knows. */
export function isKnownTimeZone(zone: string): boolean {
  if (zone === 'browser' || zone === 'utc') return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Choices for the dashboard's time-zone menu, without repeats, in a stable order. */
export function timeZoneChoices(dashboardZone: string, current: string): string[] {
  const out = ['browser', 'utc'];
  for (const z of [dashboardZone, current]) if (!out.includes(z) && isKnownTimeZone(z)) out.push(z);
  return out;
}
