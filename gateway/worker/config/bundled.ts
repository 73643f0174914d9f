// The files bundled into the Worker at deploy time (wrangler's Text module rule turns .yml imports into strings).
import text from './prometheus.yml';
import alertmanagerText from './alertmanager.yml';
import type { ConfigSource } from '../config.ts';
import type { BundledRules } from '../rules-config.ts';

/** The deploy-time config, reported under its path in the repository. */
export const bundledConfig: ConfigSource = { file: 'gateway/worker/config/prometheus.yml', text };

/**
 * Rule files and the built-in notifier's config bundled at deploy time. Rule files are keyed by their path relative
 * to prometheus.yml (rule_files patterns match these names); import each one here to bundle it, e.g.
 * `import nodeRules from './rules/node.yml';` and `'rules/node.yml': nodeRules`.
 */
export const bundledRules: BundledRules = {
  ruleFiles: {},
  alertmanager: { file: 'gateway/worker/config/alertmanager.yml', text: alertmanagerText },
};
