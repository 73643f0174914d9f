// The notification history: every delivery attempt as a NotificationRecord, bounded, newest last, persisted as JSONL through the StateStore.
import type { NotificationRecord } from '../../shared/alerting/notify/retry.ts';
import { STATE_KEYS, type StateStore } from '../rules/state-store.ts';

export const DEFAULT_HISTORY_LIMIT = 1000;

/** A bounded log of delivery attempts; writes are coalesced so a burst of attempts costs one store write. */
export class NotificationHistory {
  private records: NotificationRecord[] = [];
  private writing: Promise<void> | null = null;
  private dirty = false;

  constructor(
    private readonly store?: StateStore,
    private readonly limit = DEFAULT_HISTORY_LIMIT,
    private readonly log?: (line: string) => void,
  ) {}

  /** Loads the persisted history (unreadable lines are skipped). */
  async load(): Promise<void> {
    const text = await this.store?.get(STATE_KEYS.history);
    if (!text) return;
    const out: NotificationRecord[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const r = JSON.parse(line) as NotificationRecord;
        if (typeof r.id === 'string' && typeof r.time === 'number') out.push(r);
      } catch {
        // A torn last line after a crash loses one record, not the history.
      }
    }
    this.records = [...out, ...this.records].slice(-this.limit);
  }

  add(r: NotificationRecord): void {
    this.records.push(r);
    if (this.records.length > this.limit) this.records.splice(0, this.records.length - this.limit);
    this.dirty = true;
    void this.flush();
  }

  /** Newest first, optionally for one receiver, at most `limit` records. */
  list(opts: { receiver?: string; limit?: number } = {}): NotificationRecord[] {
    const all = opts.receiver === undefined ? this.records : this.records.filter((r) => r.receiver === opts.receiver);
    return all.slice(-(opts.limit ?? this.limit)).reverse();
  }

  /** Writes pending records; resolves when the store has them. */
  flush(): Promise<void> {
    if (!this.store) return Promise.resolve();
    if (this.writing) return this.writing;
    const store = this.store;
    this.writing = (async () => {
      while (this.dirty) {
        this.dirty = false;
        try {
          await store.put(STATE_KEYS.history, this.records.map((r) => JSON.stringify(r)).join('\n') + '\n');
        } catch (e) {
          this.log?.(`cannot save notification history: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    })().finally(() => {
      this.writing = null;
    });
    return this.writing;
  }
}
