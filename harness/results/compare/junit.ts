/**
 * JUnit XML, the report format every CI system renders (GitHub via actions, GitLab, Jenkins).
 * One testsuite; each threshold or quantile comparison is one testcase, failing ones carry a
 * <failure> with the reason.
 */

export interface JUnitCase {
  /** e.g. 'p99_ms{variant=ugsep} < 25 [ugsep@ort]' */
  name: string;
  /** grouping shown by CI, e.g. 'ugbench.gate' */
  classname: string;
  /** failure message; undefined = passed */
  failure?: string;
  /** extra text shown with the case */
  output?: string;
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // XML 1.0 forbids most control characters even when escaped
    // eslint-disable-next-line no-control-regex -- matching those control characters is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

export function toJUnitXml(suiteName: string, cases: readonly JUnitCase[], timestamp = new Date().toISOString()): string {
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(suiteName)}" tests="${cases.length}" failures="${failures}" errors="0">`,
    `  <testsuite name="${escapeXml(suiteName)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" timestamp="${escapeXml(timestamp)}">`,
  ];
  for (const c of cases) {
    const open = `    <testcase name="${escapeXml(c.name)}" classname="${escapeXml(c.classname)}" time="0"`;
    if (c.failure === undefined && c.output === undefined) {
      lines.push(`${open}/>`);
      continue;
    }
    lines.push(`${open}>`);
    if (c.failure !== undefined) lines.push(`      <failure message="${escapeXml(c.failure)}">${escapeXml(c.failure)}</failure>`);
    if (c.output !== undefined) lines.push(`      <system-out>${escapeXml(c.output)}</system-out>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
