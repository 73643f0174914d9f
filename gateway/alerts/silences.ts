// Silences: create/expire/list in Alertmanager's API v2 shapes, applied to the built-in notifier, persisted, forwarded to real Alertmanagers.
import type { Matcher } from '../../shared/alerting/notify/matchers.ts';
import { silenceState, validateSilence, type Silence } from '../../shared/alerting/notify/silence.ts';
import { formatRFC3339, parseRFC3339 } from '../../shared/alerting/time.ts';
import type { Clock } from '../runtime/ports.ts';
import { STATE_KEYS, type StateStore } from '../rules/state-store.ts';
import type { HttpOutcome } from './http.ts';

/** Alertmanager API v2 matcher. */
export interface APIMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean;
}

/** POST /api/v2/silences body. */
export interface PostableSilence {
  id?: string;
  matchers: APIMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

/** How forwarding a silence to one real Alertmanager went. */
export interface ForwardResult {
  alertmanager: string;
  /** The silence id that Alertmanager gave it. */
  id?: string;
  error?: string;
}

/** GET /api/v2/silences element, plus where the silence was forwarded. */
export interface GettableSilence extends PostableSilence {
  id: string;
  status: { state: 'pending' | 'active' | 'expired' };
  updatedAt: string;
  forwarded: ForwardResult[];
}

interface SilenceRecord {
  silence: Silence;
  updatedAt: number;
  forwarded: ForwardResult[];
}

/** The parts of the gateway a silence touches. */
export interface SilenceBookDeps {
  clock: Clock;
  store?: StateStore;
  newId: () => string;
  /** The built-in notifier's dispatcher, when one is configured. */
  apply?: { putSilence(s: Silence): { ok: true } | { ok: false; error: string }; expireSilence(id: string, now?: number): boolean };
  /** Base URLs of real Alertmanagers (e.g. http://127.0.0.1:9093) and how to call them. */
  alertmanagers?: () => { baseURL: string; headers: Record<string, string> }[];
  request?: (method: string, url: string, body: string | undefined, headers: Record<string, string>) => Promise<HttpOutcome>;
  log?: (line: string) => void;
}

/** Expired silences are kept this long, as Alertmanager's --data.retention. */
const RETENTION_MS = 120 * 3600_000;

function toMatcher(m: APIMatcher): Matcher {
  const equal = m.isEqual ?? true;
  return { name: m.name, value: m.value, type: m.isRegex ? (equal ? '=~' : '!~') : equal ? '=' : '!=' };
}

function fromMatcher(m: Matcher): APIMatcher {
  return { name: m.name, value: m.value, isRegex: m.type === '=~' || m.type === '!~', isEqual: m.type === '=' || m.type === '=~' };
}

/** Parses and checks a posted silence; errors read like Alertmanager's. */
export function parsePostableSilence(body: unknown, now: number): { ok: true; silence: Omit<Silence, 'id'> & { id?: string } } | { ok: false; error: string } {
  const b = body as Partial<PostableSilence> | null;
  if (typeof b !== 'object' || b === null) return { ok: false, error: 'request body must be a JSON object' };
  if (!Array.isArray(b.matchers)) return { ok: false, error: 'matchers: required list of {name, value, isRegex, isEqual}' };
  for (const m of b.matchers) {
    if (typeof m?.name !== 'string' || typeof m.value !== 'string' || typeof m.isRegex !== 'boolean') return { ok: false, error: 'each matcher needs a string name and value and a boolean isRegex' };
  }
  const startsAt = b.startsAt === undefined || b.startsAt === '' ? now : parseRFC3339(b.startsAt);
  const endsAt = parseRFC3339(b.endsAt);
  if (startsAt === undefined) return { ok: false, error: `startsAt: invalid time ${JSON.stringify(b.startsAt)}` };
  if (endsAt === undefined) return { ok: false, error: `endsAt: invalid or missing time ${JSON.stringify(b.endsAt ?? '')}` };
  if (endsAt < now) return { ok: false, error: 'end time can\'t be in the past' };
  const s = {
    id: typeof b.id === 'string' && b.id !== '' ? b.id : undefined,
    matchers: b.matchers.map(toMatcher),
    // A silence may not start in the past: Alertmanager moves it to now.
    startsAt: Math.max(startsAt, now),
    endsAt,
    createdBy: typeof b.createdBy === 'string' ? b.createdBy : '',
    comment: typeof b.comment === 'string' ? b.comment : '',
  };
  const err = validateSilence({ ...s, id: s.id ?? '' });
  return err ? { ok: false, error: `silence invalid: ${err}` } : { ok: true, silence: s };
}

/** The gateway's silences. */
export class SilenceBook {
  private readonly records = new Map<string, SilenceRecord>();

  constructor(private readonly deps: SilenceBookDeps) {}

  async restore(): Promise<void> {
    const text = await this.deps.store?.get(STATE_KEYS.silences);
    if (!text) return;
    try {
      const list = JSON.parse(text) as SilenceRecord[];
      for (const r of list) {
        this.records.set(r.silence.id, r);
        this.deps.apply?.putSilence(r.silence);
      }
    } catch (e) {
      this.deps.log?.(`ignoring unreadable silences: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Creates (or, with a known id, replaces) a silence; forwards it to every real Alertmanager. */
  async put(body: unknown): Promise<{ ok: true; id: string; forwarded: ForwardResult[] } | { ok: false; error: string; notFound?: boolean }> {
    const now = this.deps.clock.now();
    const parsed = parsePostableSilence(body, now);
    if (!parsed.ok) return parsed;
    const old = parsed.silence.id !== undefined ? this.records.get(parsed.silence.id) : undefined;
    if (parsed.silence.id !== undefined && !old) return { ok: false, error: `silence ${parsed.silence.id} not found`, notFound: true };
    if (old) this.expireLocal(old, now);
    // Like Alertmanager, changing a silence replaces it with a new one.
    const silence: Silence = { ...parsed.silence, id: this.deps.newId() };
    const applied = this.deps.apply?.putSilence(silence) ?? { ok: true };
    if (!applied.ok) return applied;
    const forwarded = await this.forward(silence, old);
    this.records.set(silence.id, { silence, updatedAt: now, forwarded });
    await this.save();
    return { ok: true, id: silence.id, forwarded };
  }

  /** Expires a silence here and on the real Alertmanagers it was forwarded to; false when unknown or already expired. */
  async expire(id: string): Promise<boolean> {
    const r = this.records.get(id);
    const now = this.deps.clock.now();
    if (!r || silenceState(r.silence, now) === 'expired') return false;
    this.expireLocal(r, now);
    await this.deleteRemote(r);
    await this.save();
    return true;
  }

  private expireLocal(r: SilenceRecord, now: number): void {
    this.deps.apply?.expireSilence(r.silence.id, now);
    r.silence = { ...r.silence, endsAt: Math.max(now, r.silence.startsAt) };
    r.updatedAt = now;
  }

  /** All silences, newest first, in API v2 shape. */
  list(): GettableSilence[] {
    const now = this.deps.clock.now();
    return [...this.records.values()]
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .map((r) => ({
        id: r.silence.id,
        status: { state: silenceState(r.silence, now) },
        updatedAt: formatRFC3339(r.updatedAt),
        comment: r.silence.comment,
        createdBy: r.silence.createdBy,
        startsAt: formatRFC3339(r.silence.startsAt),
        endsAt: formatRFC3339(r.silence.endsAt),
        matchers: r.silence.matchers.map(fromMatcher),
        forwarded: r.forwarded,
      }));
  }

  get(id: string): GettableSilence | undefined {
    return this.list().find((s) => s.id === id);
  }

  private async forward(s: Silence, replaces: SilenceRecord | undefined): Promise<ForwardResult[]> {
    const ams = this.deps.alertmanagers?.() ?? [];
    const request = this.deps.request;
    if (!request || ams.length === 0) return [];
    const body = (remoteId?: string): string =>
      JSON.stringify({
        ...(remoteId ? { id: remoteId } : {}),
        matchers: s.matchers.map(fromMatcher),
        startsAt: formatRFC3339(s.startsAt),
        endsAt: formatRFC3339(s.endsAt),
        createdBy: s.createdBy,
        comment: s.comment,
      });
    return Promise.all(
      ams.map(async (am): Promise<ForwardResult> => {
        const prev = replaces?.forwarded.find((f) => f.alertmanager === am.baseURL)?.id;
        const res = await request('POST', `${am.baseURL}/api/v2/silences`, body(prev), { 'Content-Type': 'application/json', ...am.headers });
        if (res.status === 200) {
          try {
            const id = (JSON.parse(res.body) as { silenceID?: string }).silenceID;
            return { alertmanager: am.baseURL, id };
          } catch {
            return { alertmanager: am.baseURL, error: 'unreadable answer' };
          }
        }
        const error = res.error ?? `status ${res.status}: ${res.body.trim()}`;
        this.deps.log?.(`forwarding silence ${s.id} to ${am.baseURL} failed: ${error}`);
        return { alertmanager: am.baseURL, error };
      }),
    );
  }

  private async deleteRemote(r: SilenceRecord): Promise<void> {
    const ams = new Map((this.deps.alertmanagers?.() ?? []).map((a) => [a.baseURL, a]));
    const request = this.deps.request;
    if (!request) return;
    await Promise.all(
      r.forwarded.map(async (f) => {
        const am = ams.get(f.alertmanager);
        if (!am || !f.id) return;
        const res = await request('DELETE', `${am.baseURL}/api/v2/silence/${encodeURIComponent(f.id)}`, undefined, am.headers);
        if (res.status !== 200) this.deps.log?.(`expiring silence ${f.id} on ${am.baseURL} failed: ${res.error ?? `status ${res.status}`}`);
      }),
    );
  }

  private async save(): Promise<void> {
    const now = this.deps.clock.now();
    for (const [id, r] of this.records) if (r.silence.endsAt + RETENTION_MS < now) this.records.delete(id);
    try {
      await this.deps.store?.put(STATE_KEYS.silences, JSON.stringify([...this.records.values()]));
    } catch (e) {
      this.deps.log?.(`cannot save silences: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
