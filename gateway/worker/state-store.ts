// The rules' StateStore port on Workers: alert state, silences and notification history in Durable Object SQLite.
import type { StateStore } from '../rules/state-store.ts';
import type { SqlStorageLike } from './env.ts';

/**
 * Key → blob rows in the gateway object's own SQLite database. SQL calls are synchronous in a Durable Object;
 * the promises only satisfy the port. Rule evaluation plugs in here once it runs on Workers (see GatewayObject.boot).
 */
export class SqlStateStore implements StateStore {
  constructor(private readonly sql: SqlStorageLike) {
    sql.exec('CREATE TABLE IF NOT EXISTS rule_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  }

  async get(key: string): Promise<string | null> {
    const rows = this.sql.exec('SELECT value FROM rule_state WHERE key = ?', key).toArray();
    return rows.length > 0 ? String(rows[0].value) : null;
  }

  async put(key: string, value: string): Promise<void> {
    this.sql.exec('INSERT INTO rule_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value);
  }
}
