// Silences: matcher sets that mute alerts between startsAt and endsAt.
import { matchesAll, type Matcher } from './matchers.ts';

/** A silence (Alertmanager API shape, times in ms). */
export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

export type SilenceState = 'pending' | 'active' | 'expired';

/** types.CalcSilenceState. */
export function silenceState(s: Silence, now: number): SilenceState {
  if (now < s.startsAt) return 'pending';
  if (now < s.endsAt) return 'active';
  return 'expired';
}

/** Ids of active silences muting these labels. */
export function silencedBy(silences: readonly Silence[], labels: Readonly<Record<string, string>>, now: number): string[] {
  return silences.filter((s) => silenceState(s, now) === 'active' && matchesAll(s.matchers, labels)).map((s) => s.id);
}

/** Validates a silence like the API does; null when fine. */
export function validateSilence(s: Silence): string | null {
  if (s.matchers.length === 0) return 'at least one matcher required';
  if (s.matchers.every((m) => (m.type === '=' && m.value === '') || (m.type === '=~' && /^(?:\.\*)?$/.test(m.value)))) return 'at least one matcher must not match the empty string';
  if (!(s.endsAt > s.startsAt)) return 'end time must not be before start time';
  if (s.createdBy === '') return 'creator information missing';
  if (s.comment === '') return 'comment missing';
  return null;
}
