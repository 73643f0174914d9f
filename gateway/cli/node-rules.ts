// Node's side of rules and alerting: rule files from disk, state files under --storage.path, the built-in notifier's config from --alertmanager-config.
import { readFileSync, statSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { loadAlertmanagerConfig } from '../../shared/alerting/notify/config.ts';
import { FileStateStore } from '../rules/file-state-store.ts';
import type { RuleFileSource } from '../rules/load.ts';
import type { RuleSystemOptions } from '../rules/system.ts';
import { expandGlob } from './check-config.ts';

/** Rule files on the local file system; patterns are Go filepath.Glob patterns, results sorted. */
export const nodeRuleSource: RuleFileSource = {
  async expand(pattern) {
    return expandGlob(pattern)
      .filter((f) => {
        try {
          return statSync(f).isFile();
        } catch {
          return false;
        }
      })
      .sort();
  },
  read: (file) => fs.readFile(file, 'utf8'),
};

export interface NodeRuleArgs {
  alertmanagerConfigFile: string | null;
  storagePath: string | null;
  /** The gateway's own URL, e.g. http://127.0.0.1:9090. */
  externalURL: string;
  env: Record<string, string | undefined>;
}

/**
 * The rule system's Node options. A broken --alertmanager-config is an error (FILE:LINE:COL lines), so the gateway
 * refuses to start as it does for a bad prometheus.yml; warnings name what the built-in notifier ignores.
 */
export function nodeRuleOptions(a: NodeRuleArgs): { ok: true; options: Omit<RuleSystemOptions, 'config' | 'log'>; warnings: string[] } | { ok: false; errors: string[] } {
  const warnings: string[] = [];
  let notifierConfig: RuleSystemOptions['notifierConfig'];
  if (a.alertmanagerConfigFile !== null) {
    const file = a.alertmanagerConfigFile;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      return { ok: false, errors: [`${file}: cannot read Alertmanager config: ${e instanceof Error ? e.message : String(e)}`] };
    }
    const loaded = loadAlertmanagerConfig(text, file, {
      env: a.env,
      readSecretFile: (path) => {
        try {
          return { ok: true, content: readFileSync(path, 'utf8').trim() };
        } catch (e) {
          return { ok: false, error: e instanceof Error ? e.message : String(e) };
        }
      },
    });
    const fmt = (p: { file: string; line: number; col: number; message: string }): string => `${p.file}:${p.line}:${p.col}: ${p.message}`;
    if (!loaded.config) return { ok: false, errors: loaded.errors.map(fmt) };
    warnings.push(...loaded.warnings.map(fmt));
    notifierConfig = loaded.config;
  }
  return {
    ok: true,
    warnings,
    options: {
      source: nodeRuleSource,
      store: a.storagePath === null ? undefined : new FileStateStore(fs, join(a.storagePath, 'alerting')),
      notifierConfig,
      externalURL: a.externalURL,
      readSecretFile: (path) => readFileSync(path, 'utf8'),
    },
  };
}
