// Pins the dashboard time-zone menu: browser and UTC always, the dashboard's or URL's zone once, unknown names never.
import { describe, expect, it } from 'vitest';
import { isKnownTimeZone, timeZoneChoices } from './timezones.ts';

describe('timeZoneChoices', () => {
  it('offers browser time and UTC, plus the dashboard zone and the current one once each', () => {
    expect(timeZoneChoices('browser', 'browser')).toEqual(['browser', 'utc']);
    expect(timeZoneChoices('Europe/Paris', 'Europe/Paris')).toEqual(['browser', 'utc', 'Europe/Paris']);
    expect(timeZoneChoices('Europe/Paris', 'Asia/Seoul')).toEqual(['browser', 'utc', 'Europe/Paris', 'Asia/Seoul']);
    expect(timeZoneChoices('utc', 'browser')).toEqual(['browser', 'utc']);
  });

  it('drops names the browser does not know', () => {
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(timeZoneChoices('browser', 'Mars/Olympus_Mons')).toEqual(['browser', 'utc']);
  });
});
