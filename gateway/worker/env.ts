// The Worker's bindings and the few Durable Object APIs Sightline uses, as small structural types (no runtime globals).

/** The subset of Durable Object SQL storage the head store uses (`ctx.storage.sql`). */
export interface SqlStorageLike {
  exec(query: string, ...bindings: SqlValue[]): SqlCursorLike;
}

/** A value SQLite takes or returns: numbers, text, blobs (ArrayBuffer) and NULL. */
export type SqlValue = number | string | ArrayBuffer | null;

/** The cursor `exec` returns; rows as plain objects. */
export interface SqlCursorLike {
  toArray(): Record<string, SqlValue>[];
}

/** The subset of `ctx.storage` the gateway object uses. */
export interface DurableStorageLike {
  sql: SqlStorageLike;
  getAlarm(): Promise<number | null>;
  setAlarm(scheduledTime: number): Promise<void>;
  deleteAlarm(): Promise<void>;
}

/** The Durable Object state handed to the constructor (`ctx`). */
export interface DurableStateLike {
  storage: DurableStorageLike;
  blockConcurrencyWhile<T>(fn: () => Promise<T>): Promise<T>;
}

/** A Durable Object stub: requests are forwarded to the one gateway object. */
export interface DurableStubLike {
  fetch(request: Request): Promise<Response>;
}

/** The Durable Object namespace binding. */
export interface DurableNamespaceLike {
  idFromName(name: string): unknown;
  get(id: unknown): DurableStubLike;
}

/** The part of a KV namespace the config loader reads. */
export interface KvLike {
  get(key: string, type: 'text'): Promise<string | null>;
  /** Key listing (rule files under `rules/`); a real KV binding always has it. */
  list?(options: { prefix?: string; cursor?: string }): Promise<{ keys: { name: string }[]; list_complete: boolean; cursor?: string }>;
}

/** Bindings of the Sightline Worker (wrangler.toml, Worker secrets, `.dev.vars` in local development). */
export interface WorkerEnv {
  /** The gateway Durable Object (one instance per deployment). */
  GATEWAY: DurableNamespaceLike;
  /** Access token every request but /-/healthy must carry as `Authorization: Bearer …` (a Worker secret). */
  SIGHTLINE_TOKEN?: string;
  /** prometheus.yml as text; overrides the KV copy and the bundled file (handy for `--var` in development). */
  SIGHTLINE_CONFIG?: string;
  /** KV namespace holding `prometheus.yml`, `alertmanager.yml` and rule files under `rules/` (optional; vars win). */
  SIGHTLINE_CONFIG_KV?: KvLike;
  /** Rule files as a JSON object {"rules/x.yml": "<yaml>"} (paths relative to prometheus.yml); wins over KV and the bundle. */
  SIGHTLINE_RULE_FILES?: string;
  /** alertmanager.yml for the built-in notifier as text; wins over the KV copy and the bundled file. */
  SIGHTLINE_ALERTMANAGER_YML?: string;
  /** The gateway's public URL: generator links of alerts and the externalURL of notifications. */
  SIGHTLINE_EXTERNAL_URL?: string;
  /** How long the head keeps samples and replayable batches, e.g. "15m" (default 15m: Workers have 128 MB). */
  SIGHTLINE_RETENTION?: string;
  /** Every other binding: Worker secrets that `*_file` settings of prometheus.yml name. */
  [name: string]: unknown;
}
