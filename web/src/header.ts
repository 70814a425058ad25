// The page header: the file, its format, producer metadata, counts, time range, and
// every diagnostic and loose Lambda problem as a visible notice.
import { count, el, isoNs, plural } from './format';
import type { Model } from './data';

/** Draws the header: facts of the file, its diagnostics and loose problems as notices, and the empty-file notice. */
export function renderHeader(host: HTMLElement, m: Model, live: boolean): void {
  const d = m.d;
  const s = d.summary;
  host.replaceChildren();
  host.append(el('h1', { text: d.title }));
  const facts = el('dl', { class: 'facts' });
  const fact = (k: string, v: string) => facts.append(el('div', {}, el('dt', { text: k }), el('dd', { text: v })));
  fact('file', d.file);
  fact('format', `${s.format}${s.gzip ? ' (gzip)' : ''}${s.ring ? ' (ring snapshot)' : ''}`);
  fact('spans', count(s.spans));
  fact('traces', count(s.traces));
  fact('invocations', count(d.invocations.span.length));
  fact('metric points', count(s.metricPoints));
  fact('log records', count(s.logRecords));
  if (s.startTimeUnixNano && s.endTimeUnixNano) fact('time range', `${isoNs(BigInt(s.startTimeUnixNano))} … ${isoNs(BigInt(s.endTimeUnixNano))}`);
  if (s.firstSequence !== null) fact('sequence', `${s.firstSequence} … ${s.lastSequence}`);
  if (s.services.length) fact('services', s.services.join(', '));
  if (s.metadata) for (const [k, v] of Object.entries(s.metadata)) fact(k, typeof v === 'string' ? v : JSON.stringify(v));
  if (live) fact('live', `updated ${new Date(d.generated).toLocaleTimeString()}`);
  host.append(facts);

  const notices = el('ul', { class: 'notices' });
  if (d.notice) notices.append(el('li', { class: 'notice bad', 'data-testid': 'live-notice', text: d.notice }));
  for (const g of d.diagnostics) {
    const figures = [
      g.missing !== undefined ? `${plural(g.missing, 'frame')} missing` : '',
      g.spans !== undefined ? `${g.spans} spans, ${g.metricPoints ?? 0} metric points, ${g.logRecords ?? 0} log records dropped` : '',
    ].filter(Boolean);
    notices.append(
      el('li', { class: `notice ${g.code === 'dropped' ? 'warn' : 'bad'}`, 'data-testid': 'diagnostic', 'data-code': g.code },
        el('strong', { text: g.code }),
        ` at byte ${count(g.offset)}: ${g.message}${figures.length ? ` (${figures.join('; ')})` : ''}`,
      ),
    );
  }
  for (const p of m.looseProblems) {
    notices.append(el('li', { class: 'notice warn' }, el('span', { class: 'badge', 'data-testid': 'problem-badge', text: p.code }), ` ${p.message}`));
  }
  if (d.problems.length || d.lambdaInvocations) {
    const n = d.problems.length / 5;
    notices.append(el('li', { class: `notice ${n ? 'warn' : 'good'}`, 'data-testid': 'lambda-check' }, `Lambda shape check: ${plural(d.lambdaInvocations, 'invocation')}, ${n ? plural(n, 'problem') : 'no problem'}`));
  }
  if (notices.childElementCount) host.append(notices);
  if (s.spans === 0 && s.metricPoints === 0 && s.logRecords === 0)
    host.append(el('p', { class: 'empty', 'data-testid': 'empty-notice', text: 'This file is empty: it holds no spans, no metric points and no log records.' }));
}
