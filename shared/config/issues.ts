// Config problems as data: every error or warning names its file, line and column.

/** One problem found in a config file; line and col are 1-based (0 when the whole file is meant). */
export interface ConfigIssue {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** Renders an issue the way compilers and promtool users expect: `FILE:LINE:COL: message`. */
export function formatIssue(issue: ConfigIssue): string {
  if (issue.line <= 0) return `${issue.file}: ${issue.message}`;
  return `${issue.file}:${issue.line}:${issue.col}: ${issue.message}`;
}

/** Sorts issues by position so output reads top to bottom. */
export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
