import { worst, type Finding, type Status } from '../findings.js';

/** What one region said of a check: its finding, or why it could not report. */
export type RegionResult = { region: string; finding: Finding } | { region: string; error: string };

const msOf = (f: Finding) => f.observed.latencyMs ?? f.durationMs;
const blind = (r: RegionResult) => 'error' in r || r.finding.status === 'error';
const failing = (r: RegionResult) => 'finding' in r && r.finding.status === 'fail';
const said = (r: RegionResult) =>
  'error' in r ? `${r.region} could not report: ${r.error}` : `${r.region} ${r.finding.status} in ${msOf(r.finding)} ms: ${r.finding.summary}`;
const timed = (r: Extract<RegionResult, { finding: Finding }>) => `${r.region} ${r.finding.status} ${msOf(r.finding)} ms`;

/**
 * One finding from a check run in several regions: it fails when `quorum` of them see it fail. A region
 * that could not report never passes in silence: the finding warns, naming it, and when the verdict hangs
 * on such regions it is an error (Vigil could not tell). Each region's status and latency go in the
 * evidence, slowest first. Pure.
 */
export function judgeRegions(home: { region: string; finding: Finding }, elsewhere: RegionResult[], quorum: number): Finding {
  const all: RegionResult[] = [home, ...elsewhere];
  const fails = all.filter(failing);
  const unseen = all.filter(blind);
  const reporting = all.filter((r): r is Extract<RegionResult, { finding: Finding }> => 'finding' in r && r.finding.status !== 'error');
  const slowest = [...reporting].sort((a, b) => msOf(b.finding) - msOf(a.finding));
  const status: Status =
    fails.length >= quorum
      ? 'fail'
      : fails.length + unseen.length >= quorum || !reporting.length
        ? 'error'
        : fails.length || unseen.length
          ? 'warn'
          : worst(...reporting.map((r) => r.finding.status));
  const n = all.length;
  // Every region, in the message too: those that failed or could not report with what they said, then the others' latency, slowest first.
  const heard = [...fails, ...unseen].map(said);
  const rest = slowest.filter((r) => r.finding.status !== 'fail').map(timed);
  const each = [...heard, ...rest].join('; ');
  const summary =
    status === 'fail'
      ? `failing from ${fails.length} of ${n} regions (quorum ${quorum}): ${each}`
      : status === 'error'
        ? `cannot tell from ${n} regions (quorum ${quorum}): ${each}`
        : heard.length
          ? `${home.finding.summary}; ${fails.length ? `failing from ${fails.length} of ${n} regions, short of the quorum of ${quorum}: ` : ''}${each}`
          : `${home.finding.summary}; ${status} from ${n} regions, slowest first: ${rest.join(', ')}`;
  return {
    ...home.finding,
    status,
    summary,
    observed: {
      ...home.finding.observed,
      regionsFailing: fails.length,
      regionsReporting: reporting.length,
      ...(slowest[0] ? { slowestRegionMs: msOf(slowest[0].finding) } : {}),
    },
    evidence: {
      ...home.finding.evidence,
      quorum,
      regions: [
        ...slowest.map((r) => ({ region: r.region, status: r.finding.status, ms: msOf(r.finding), summary: r.finding.summary })),
        ...unseen.map((r) => ({ region: r.region, status: 'error', summary: 'error' in r ? `could not report: ${r.error}` : r.finding.summary })),
      ],
    },
  };
}
