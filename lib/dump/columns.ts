/**
 * Builds span objects from the native reader's column batches (native/dump/columns.h):
 * one text holding every string, sliced with `substring`, and number columns.
 * @packageDocumentation
 * @internal
 */
import type { AttributeValue, Attributes, Scope, Span, SpanEvent, SpanLink } from './types';

/** A column batch from the addon. @internal */
export interface SpanColumns {
  text: string;
  bounds: Uint32Array;
  span: Float64Array;
  attr: Float64Array;
  event: Float64Array;
  link: Float64Array;
  resources: Float64Array;
  scopes: Float64Array;
}

const SPAN = 23;
const ATTR = 3;
const EVENT = 5;
const LINK = 7;

/** Decodes one batch into spans (resource and scope objects shared within the batch). @internal */
export function spansFromColumns(c: SpanColumns, withFrame: boolean): Span[] {
  const text = c.text;
  const B = c.bounds;
  const A = c.attr;
  // strings repeated in the batch (keys, names) are sent once: slice each once
  const cache: Array<string | undefined> = new Array(B.length - 1);
  const str = (k: number): string => cache[k] ?? (cache[k] = text.substring(B[k]!, B[k + 1]!));
  const attrs = (begin: number, end: number): Attributes => {
    const o: Attributes = {};
    for (let i = begin * ATTR, e = end * ATTR; i < e; i += ATTR) {
      const kind = A[i + 1]!;
      const v = A[i + 2]!;
      let value: AttributeValue;
      switch (kind) {
        case 1: // string
        case 4: // int64 beyond 2^53, NaN, ±Infinity
        case 5: // bytes (base64)
          value = str(v);
          break;
        case 2:
          value = v === 1;
          break;
        case 3:
          value = v;
          break;
        case 6:
          value = JSON.parse(str(v)) as AttributeValue;
          break;
        default:
          value = null;
      }
      o[str(A[i]!)] = value;
    }
    return o;
  };
  const resources: Attributes[] = Array.from(c.resources, (k) => JSON.parse(str(k)) as Attributes);
  const scopes: Scope[] = Array.from(c.scopes, (k) => JSON.parse(str(k)) as Scope);
  const S = c.span;
  const E = c.event;
  const L = c.link;
  const out: Span[] = new Array(S.length / SPAN);
  for (let i = 0, n = 0; i < S.length; i += SPAN, n++) {
    const events: SpanEvent[] = [];
    for (let j = S[i + 14]! * EVENT, e = S[i + 15]! * EVENT; j < e; j += EVENT) {
      events.push({ name: str(E[j]!), timeUnixNano: str(E[j + 1]!), attributes: attrs(E[j + 2]!, E[j + 3]!), droppedAttributesCount: E[j + 4]! });
    }
    const links: SpanLink[] = [];
    for (let j = S[i + 17]! * LINK, e = S[i + 18]! * LINK; j < e; j += LINK) {
      links.push({
        traceId: str(L[j]!),
        spanId: str(L[j + 1]!),
        traceState: str(L[j + 2]!),
        flags: L[j + 3]!,
        attributes: attrs(L[j + 4]!, L[j + 5]!),
        droppedAttributesCount: L[j + 6]!,
      });
    }
    const span: Span = {
      traceId: str(S[i]!),
      spanId: str(S[i + 1]!),
      parentSpanId: str(S[i + 2]!),
      traceState: str(S[i + 3]!),
      flags: S[i + 6]!,
      name: str(S[i + 4]!),
      kind: S[i + 5]!,
      startTimeUnixNano: str(S[i + 7]!),
      endTimeUnixNano: str(S[i + 8]!),
      attributes: attrs(S[i + 9]!, S[i + 10]!),
      droppedAttributesCount: S[i + 11]!,
      status: { code: S[i + 12]!, message: str(S[i + 13]!) },
      events,
      droppedEventsCount: S[i + 16]!,
      links,
      droppedLinksCount: S[i + 19]!,
      resource: resources[S[i + 20]!]!,
      scope: scopes[S[i + 21]!]!,
    };
    if (withFrame) span.frame = S[i + 22]!;
    out[n] = span;
  }
  return out;
}
