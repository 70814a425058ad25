// The selected span's detail: name, kind, ids, times, status, every attribute with its
// type, events with their attributes, links, resource, scope, and its log records.
import { count, dur, el, isoNs } from './format';
import type { Attr, Model } from './data';
import { KINDS, STATUS } from './types';

const SHOW = 2000;

/** A value, cut to 2,000 characters with a button that shows all of it. */
function valueCell(v: string): HTMLElement {
  const cell = el('td', { class: 'value' });
  if (v.length <= SHOW) {
    cell.textContent = v;
    return cell;
  }
  const text = el('span', { text: v.slice(0, SHOW) + '…' });
  const more = el('button', { type: 'button', class: 'more', text: `show all ${count(v.length)} characters` });
  more.addEventListener('click', () => cell.replaceChildren(v));
  cell.append(text, ' ', more);
  return cell;
}

function attrTable(attrs: Attr[], testid: string): HTMLElement {
  if (!attrs.length) return el('p', { class: 'none', text: 'none' });
  const body = el('tbody');
  for (const a of attrs) body.append(el('tr', { 'data-key': a.key.slice(0, 200) }, el('th', { text: a.key }), el('td', { class: 'type', text: a.type }), valueCell(a.value)));
  return el('table', { class: 'attrs', 'data-testid': testid }, el('thead', {}, el('tr', {}, el('th', { text: 'key' }), el('th', { text: 'type' }), el('th', { text: 'value' }))), body);
}

/** Fills the detail panel with everything about one span; `onLog` is called when one of its log records is clicked. */
export function renderDetail(host: HTMLElement, m: Model, span: number, onLog: (i: number) => void): void {
  const S = m.d.spans;
  const s = span;
  const start = m.startNs(s);
  const end = start + BigInt(S.dur[s]!);
  const kind = KINDS[S.kind[s]!] ?? String(S.kind[s]);
  const statusCode = S.status[s]!;
  const facts = el('dl', { class: 'kv' });
  const fact = (k: string, v: string, cls = '') => facts.append(el('dt', { text: k }), el('dd', { class: cls, text: v }));
  fact('kind', `${kind} (${S.kind[s]})`);
  fact('trace id', m.traceId(S.trace[s]!), 'mono');
  fact('span id', m.spanId(s), 'mono');
  fact('parent', S.parent[s] === -1 ? '(root)' : S.parent[s] === -2 ? `${S.orphanParent[s]} (not in this file)` : m.spanId(S.parent[s]!), 'mono');
  fact('start', `${isoNs(start)} (${start} ns)`);
  fact('end', `${isoNs(end)} (${end} ns)`);
  fact('offset', `+${dur(S.start[s]!)} into the trace`);
  fact('duration', `${dur(S.dur[s]!)} (${count(S.dur[s]!)} ns)`);
  fact('status', `${STATUS[statusCode] ?? statusCode}${m.str(S.statusMsg[s]!) ? `: ${m.str(S.statusMsg[s]!)}` : ''}`, statusCode === 2 ? 'status-error' : '');
  fact('flags', `0x${S.flags[s]!.toString(16)}`);
  if (S.traceState[s]) fact('trace state', m.str(S.traceState[s]!));
  const dropped = S.dropped[s];
  if (dropped) fact('dropped', `${dropped[0]} attributes, ${dropped[1]} events, ${dropped[2]} links`);

  const events = m.eventsOf(s);
  const evBox = el('div', { class: 'events' });
  if (!events.length) evBox.append(el('p', { class: 'none', text: 'none' }));
  for (const e of events) {
    const E = m.d.events;
    evBox.append(el('div', { class: 'event', 'data-testid': 'span-event' }, el('h4', {}, m.str(E[e + 1]!), el('span', { class: 'muted', text: ` +${dur(E[e + 2]!)}` })), attrTable(m.attrs(E[e + 3]!, E[e + 4]!), 'event-attributes')));
  }
  const links = m.linksOf(s);
  const lkBox = el('div', { class: 'links' });
  if (!links.length) lkBox.append(el('p', { class: 'none', text: 'none' }));
  for (const l of links) {
    const L = m.d.links;
    lkBox.append(el('div', { class: 'link', 'data-testid': 'span-link' },
      el('p', { class: 'mono' }, `trace ${m.str(L[l + 1]!)} span ${m.str(L[l + 2]!)}`, L[l + 3] ? ` state ${m.str(L[l + 3]!)}` : '', ` flags 0x${L[l + 4]!.toString(16)}`),
      attrTable(m.attrs(L[l + 5]!, L[l + 6]!), 'link-attributes')));
  }
  const logs = m.logsOf(s);
  const logBox = el('ul', { class: 'span-logs' });
  for (const i of logs.slice(0, 200)) {
    const b = el('button', { type: 'button', class: 'linkish', text: `${m.str(m.d.logs.sevText[i]!) || 'log'}: ${m.str(m.d.logs.body[i]!).slice(0, 200)}` });
    b.addEventListener('click', () => onLog(i));
    logBox.append(el('li', {}, b));
  }
  const sc = S.scope[s]!;
  const close = el('button', { type: 'button', class: 'close', 'aria-label': 'Close the detail (Escape)', 'data-testid': 'detail-close', text: '×' });
  close.addEventListener('click', () => host.dispatchEvent(new CustomEvent('np-close')));
  const parts: Node[] = [
    el('div', { class: 'detail-head' }, el('h3', { 'data-testid': 'detail-name', text: m.str(S.name[s]!) }), close),
    facts,
    el('h4', { text: `Attributes (${S.attrN[s]})` }),
    attrTable(m.attrs(S.attr[s]!, S.attrN[s]!), 'span-attributes'),
    el('h4', { text: `Events (${events.length})` }),
    evBox,
    el('h4', { text: `Links (${links.length})` }),
    lkBox,
    el('h4', { text: 'Resource' }),
    attrTable(m.resourceAttrs(S.res[s]!), 'resource-attributes'),
    el('h4', { text: 'Scope' }),
    el('p', { class: 'mono', 'data-testid': 'scope', text: `${m.str(m.d.scopes[sc * 2]!) || '(unnamed)'} ${m.str(m.d.scopes[sc * 2 + 1]!)}` }),
  ];
  if (logs.length) parts.push(el('h4', { text: `Log records (${logs.length})` }), logBox);
  host.replaceChildren(...parts);
  host.hidden = false;
}

/** Empties the detail panel, leaving a hint how to fill it. */
export function clearDetail(host: HTMLElement): void {
  host.replaceChildren(el('p', { class: 'none', text: 'Select a span (click, or Enter on a row) to see its attributes, events, links, resource and scope.' }));
}
