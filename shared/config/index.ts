// Public API of the prometheus.yml module: loading, relabeling, targets and discovery parsing.

export { formatIssue, sortIssues, type ConfigIssue } from './issues.ts';
export { loadConfig, loadScrapeConfigFile, defaultGlobalConfig, type LoadOptions, type LoadResult, type ScrapeConfigFileResult } from './load.ts';
export { defaultConfig, defaultConfigText, DEFAULT_CONFIG_FILE } from './defaults.ts';
export { parseDuration, formatDuration, parseSize } from './duration.ts';
export { isValidLabelName, isValidUtf8, sortLabels, compareNames, type Labels, type ValidationScheme } from './labels.ts';
export {
  relabel,
  relabelConfig,
  compileRelabelConfigs,
  validateRelabelConfig,
  applyRelabel,
  LabelsBuilder,
  RelabelConfigError,
  DEFAULT_RELABEL_CONFIG,
  RELABEL_ACTIONS,
  type RelabelAction,
  type RelabelConfig,
  type CompiledRelabelConfig,
} from './relabel.ts';
export { compileRegex, type CompiledRegex, type CompileResult, type CompileOptions } from '../model/re2.ts';
export { expandTemplate, expandEnv } from './expand.ts';
export { buildTargets, populateDiscoveredLabels, scrapeUrl, type Target, type DroppedTarget, type BuildTargetsResult } from './targets.ts';
export { parseFileSD, parseHttpSD, type ParseSDResult, type ParseHttpSDResult } from './sd.ts';
export { checkTargetAddress, UNSUPPORTED_SD } from './read-sd.ts';
export { joinDir, dirname, isAbsolutePath, hasGlobMeta, globSegmentRegExp } from './paths.ts';
export * from './types.ts';
