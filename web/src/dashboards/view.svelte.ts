// One open dashboard's state: time range, variables, collapsed rows and refresh, mirrored into the URL hash.
import type { Dashboard, Variable } from '../../../shared/dashboards/model.ts';
import { resolveTimeRange } from '../../../shared/dashboards/time.ts';
import { resolveVariables, selectValue, variableScope, type RefreshTrigger, type TimeWindow, type VariableResolver, type VariableState } from '../../../shared/dashboards/variables.ts';
import { formatDashboardsHash, hashParamValues, parseDashboardsHash } from './route.ts';
import { isKnownTimeZone } from './timezones.ts';

/** Applies `var-x` values from the URL as the variables' saved selections. */
export function withUrlSelections(variables: readonly Variable[], hash: string): Variable[] {
  return variables.map((v) => {
    const values = hashParamValues(hash, `var-${v.name}`);
    if (values.length === 0 || v.type === 'constant') return v;
    const multi = 'multi' in v && v.multi;
    const current = multi ? { text: values, value: values } : { text: values[0], value: values[0] };
    return { ...v, current };
  });
}

export class DashboardViewState {
  from = $state('now-1h');
  to = $state('now');
  refresh = $state('');
  /** `browser`, `utc` or an IANA zone: how times are shown and where `now/d` rounds (the `tz` URL parameter). */
  timezone = $state('browser');
  window = $state.raw<TimeWindow>({ from: Date.now() - 3_600_000, to: Date.now() });
  rangeError = $state<string | null>(null);
  variables = $state.raw<Record<string, VariableState>>({});
  variablesReady = $state(false);
  /** Keys of rows whose collapsed state the user flipped. */
  toggled = $state.raw<ReadonlySet<string>>(new Set());
  /** Bumped by reload(): panels re-run their queries. */
  tick = $state(0);
  scope = $derived(variableScope(this.variables));
  private readonly vars: Variable[];

  constructor(
    readonly dashboard: Dashboard,
    params: Record<string, string>,
    hash: string,
    private readonly resolver: VariableResolver,
  ) {
    this.from = params.from ?? dashboard.time.from;
    this.to = params.to ?? dashboard.time.to;
    this.refresh = params.refresh ?? dashboard.refresh;
    // A `tz` from a shared link is used only when this browser knows the zone.
    this.timezone = params.tz !== undefined && isKnownTimeZone(params.tz) ? params.tz : dashboard.timezone;
    this.vars = withUrlSelections(dashboard.variables, hash);
    this.computeWindow();
  }

  /** Resolves the time expressions against the clock; a bad expression keeps the last window and says why. */
  private computeWindow(): void {
    const r = resolveTimeRange({ from: this.from, to: this.to }, Date.now(), this.timezone === 'browser' ? undefined : this.timezone);
    if ('error' in r) this.rangeError = r.error;
    else {
      this.rangeError = null;
      this.window = r;
    }
  }

  async loadVariables(trigger: RefreshTrigger = { kind: 'load' }): Promise<void> {
    this.variables = await resolveVariables(this.vars, { resolver: this.resolver, range: this.window }, this.variables, trigger);
    this.variablesReady = true;
    this.writeUrl();
  }

  isCollapsed(key: string, saved: boolean): boolean {
    return this.toggled.has(key) ? !saved : saved;
  }

  toggleRow(key: string): void {
    const next = new Set(this.toggled);
    if (!next.delete(key)) next.add(key);
    this.toggled = next;
  }

  async setRange(from: string, to: string): Promise<void> {
    this.from = from;
    this.to = to;
    this.computeWindow();
    this.writeUrl();
    await this.loadVariables({ kind: 'timeRange' });
    this.tick++;
  }

  async setVariable(name: string, value: string | string[]): Promise<void> {
    const st = this.variables[name];
    if (!st) return;
    this.variables = { ...this.variables, [name]: selectValue(st, value) };
    await this.loadVariables({ kind: 'changed', name });
  }

  /** Shows the dashboard in another time zone; rounded ranges such as `now/d` move with it. */
  setTimezone(timezone: string): void {
    this.timezone = timezone;
    this.computeWindow();
    this.writeUrl();
    this.tick++;
  }

  setRefresh(interval: string): void {
    this.refresh = interval;
    this.writeUrl();
  }

  /** Moves a relative range to the current time and re-runs every panel; variables with no options yet are retried. */
  async reload(): Promise<void> {
    this.computeWindow();
    if (Object.values(this.variables).some((v) => v.type === 'query' && v.options.length === 0)) await this.loadVariables({ kind: 'load' });
    this.tick++;
  }

  private urlTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * Keeps the shareable link in the address bar without a history entry per change; in a task of its own, since
   * replaceState can take tens of milliseconds and the panels' queries should go out first.
   */
  private writeUrl(): void {
    if (this.urlTimer !== null) return;
    this.urlTimer = setTimeout(() => {
      this.urlTimer = null;
      this.writeUrlNow();
    }, 0);
  }

  private writeUrlNow(): void {
    const params: Record<string, string | string[]> = { from: this.from, to: this.to };
    if (this.refresh) params.refresh = this.refresh;
    if (this.timezone !== this.dashboard.timezone) params.tz = this.timezone;
    for (const st of Object.values(this.variables)) if (st.type !== 'constant') params[`var-${st.name}`] = st.current.value;
    const hash = formatDashboardsHash(this.dashboard.uid, params);
    // The user may have left this dashboard since the write was scheduled.
    if (parseDashboardsHash(location.hash)?.uid !== this.dashboard.uid) return;
    if (hash !== location.hash) history.replaceState(history.state, '', hash);
  }
}
