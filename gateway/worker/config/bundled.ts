// The files bundled into the Worker at deploy time (wrangler's Text module rule turns .yml imports into strings).
import text from './prometheus.yml';
import type { ConfigSource } from '../config.ts';

/** The deploy-time config, reported under its path in the repository. */
export const bundledConfig: ConfigSource = { file: 'gateway/worker/config/prometheus.yml', text };

/**
 * Rule files by the path prometheus.yml's rule_files resolve to; import each one here to bundle it, e.g.
 * `import nodeRules from './rules/node.yml';` and `'gateway/worker/config/rules/node.yml': nodeRules`.
 * Read through gateway/rules/load.ts's memoryRuleSource once rules run on Workers.
 */
export const bundledRuleFiles: Readonly<Record<string, string>> = {};
