// Unit tests for silence creation from an alert.
import { describe, expect, it } from 'vitest';
import { matchersFor, silenceBody, silenceProblem } from './silence.ts';

describe('silences', () => {
  it('prefills equality matchers from the alert labels in name order', () => {
    expect(matchersFor({ severity: 'page', alertname: 'Down' })).toEqual([
      { name: 'alertname', value: 'Down', isRegex: false, isEqual: true },
      { name: 'severity', value: 'page', isRegex: false, isEqual: true },
    ]);
  });
  it('builds the API body starting now for the chosen duration', () => {
    const now = Date.UTC(2024, 5, 1, 12);
    expect(silenceBody(matchersFor({ alertname: 'Down' }), now, 7_200_000, ' me ', ' maintenance ')).toEqual({
      matchers: [{ name: 'alertname', value: 'Down', isRegex: false, isEqual: true }],
      startsAt: '2024-06-01T12:00:00.000Z',
      endsAt: '2024-06-01T14:00:00.000Z',
      createdBy: 'me',
      comment: 'maintenance',
    });
  });
  it('refuses an empty matcher list, a bad duration, a missing author or comment', () => {
    expect(silenceProblem([], 1000, 'me', 'x')).toContain('at least one matcher');
    expect(silenceProblem(matchersFor({ a: 'b' }), null, 'me', 'x')).toContain('positive duration');
    expect(silenceProblem(matchersFor({ a: 'b' }), 1000, ' ', 'x')).toContain('who');
    expect(silenceProblem(matchersFor({ a: 'b' }), 1000, 'me', '  ')).toContain('comment');
    expect(silenceProblem(matchersFor({ a: 'b' }), 1000, 'me', 'x')).toBeNull();
  });
});
