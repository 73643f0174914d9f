// Silences from the Alerts page: a new silence's body with the alert's labels as equality matchers.
import type { SilenceBody, SilenceMatcher } from './apiTypes.ts';

/** Durations offered for a new silence. */
export const SILENCE_DURATIONS = ['1h', '2h', '4h', '1d', '1w'] as const;

/** Equality matchers for every label of the alert, in label-name order (the user may drop some before saving). */
export function matchersFor(labels: Readonly<Record<string, string>>): SilenceMatcher[] {
  return Object.keys(labels)
    .sort()
    .map((name) => ({ name, value: labels[name], isRegex: false, isEqual: true }));
}

/** Why a silence form cannot be sent, or null: at least one matcher, a positive duration, an author and a comment (as Alertmanager requires). */
export function silenceProblem(matchers: readonly SilenceMatcher[], durationMs: number | null, createdBy: string, comment: string): string | null {
  if (matchers.length === 0) return 'keep at least one matcher: a silence without matchers would silence every alert';
  if (durationMs === null || durationMs <= 0) return 'the duration must be a positive duration such as 2h';
  if (createdBy.trim() === '') return 'say who is creating the silence';
  if (comment.trim() === '') return 'say why (a comment is required)';
  return null;
}

/** The POST /api/v1/silences body for a silence starting now. */
export function silenceBody(matchers: readonly SilenceMatcher[], now: number, durationMs: number, createdBy: string, comment: string): SilenceBody {
  return {
    matchers: matchers.map((m) => ({ ...m })),
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(now + durationMs).toISOString(),
    createdBy: createdBy.trim(),
    comment: comment.trim(),
  };
}
