// Prometheus durations in rule files: model.Duration, shared with config and PromQL.
export { formatDuration, parseDuration, type DurationResult } from '../model/duration.ts';
