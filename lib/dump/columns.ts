/**
 * Spans over the native reader's column batches (native/dump/columns.h): one ASCII text
 * holding the strings (sliced with `substring`), a UTF-16 side text for the strings that
 * are not ASCII, and number columns.
 *
 * A span is a light object of one class ({@link LazySpan}): two fields (the batch and
 * the span's row) and prototype getters reading the columns on first access. Strings are
 * sliced once per batch and shared; attributes, status, events and links are built on
 * first access and cached on the span, so a consumer touching only the usual fields
 * (name, ids, times, kind) pays for nothing else. `toJSON` gives the plain object
 * (same fields, same order), so `JSON.stringify` output is unchanged.
 * @packageDocumentation
 * @internal
 */
import type { AttributeValue, Attributes, Scope, Span, SpanEvent, SpanLink } from './types';

/** A column batch from the addon. @internal */
export interface SpanColumns {
  text: string;
  bounds: Uint32Array;
  /** The strings that are not ASCII, as UTF-16 (absent when none). */
  text16?: string;
  /** (string index, start, end in `text16`) per string that is not ASCII. */
  wide?: Uint32Array;
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

/** One batch's columns with its string cache and shared resource/scope objects. @internal */
class Batch {
  readonly text: string;
  readonly B: Uint32Array;
  readonly cache: Array<string | undefined>;
  readonly S: Float64Array;
  readonly A: Float64Array;
  readonly E: Float64Array;
  readonly L: Float64Array;
  readonly resIdx: Float64Array;
  readonly scopeIdx: Float64Array;
  readonly res: Array<Attributes | undefined>;
  readonly scopes: Array<Scope | undefined>;
  readonly withFrame: boolean;

  constructor(c: SpanColumns, withFrame: boolean) {
    this.text = c.text;
    this.B = c.bounds;
    // strings repeated in the batch (keys, names) are sent once: slice each once
    this.cache = new Array<string | undefined>(c.bounds.length - 1);
    if (c.wide && c.text16 !== undefined) {
      const W = c.wide;
      for (let i = 0; i < W.length; i += 3) this.cache[W[i]!] = c.text16.substring(W[i + 1]!, W[i + 2]!);
    }
    this.S = c.span;
    this.A = c.attr;
    this.E = c.event;
    this.L = c.link;
    this.resIdx = c.resources;
    this.scopeIdx = c.scopes;
    this.res = new Array<Attributes | undefined>(c.resources.length);
    this.scopes = new Array<Scope | undefined>(c.scopes.length);
    this.withFrame = withFrame;
  }

  str(k: number): string {
    const s = this.cache[k];
    if (s !== undefined) return s;
    return (this.cache[k] = this.text.substring(this.B[k]!, this.B[k + 1]!));
  }

  attrs(begin: number, end: number): Attributes {
    const A = this.A;
    const o: Attributes = {};
    for (let i = begin * ATTR, e = end * ATTR; i < e; i += ATTR) {
      const kind = A[i + 1]!;
      const v = A[i + 2]!;
      let value: AttributeValue;
      switch (kind) {
        case 1: // string
        case 4: // int64 beyond 2^53, NaN, ±Infinity
        case 5: // bytes (base64)
          value = this.str(v);
          break;
        case 2:
          value = v === 1;
          break;
        case 3:
          value = v;
          break;
        case 6:
          value = JSON.parse(this.str(v)) as AttributeValue;
          break;
        default:
          value = null;
      }
      o[this.str(A[i]!)] = value;
    }
    return o;
  }

  resource(k: number): Attributes {
    return this.res[k] ?? (this.res[k] = JSON.parse(this.str(this.resIdx[k]!)) as Attributes);
  }

  scope(k: number): Scope {
    return this.scopes[k] ?? (this.scopes[k] = JSON.parse(this.str(this.scopeIdx[k]!)) as Scope);
  }
}

/**
 * A span read lazily from its batch's columns. It is a {@link Span} (prototype getters);
 * assigning a field stores an own value that shadows the column. @internal
 */
export class LazySpan {
  /** @internal */
  readonly b: Batch;
  /** @internal row offset in the span column */
  readonly o: number;
  /** @internal caches of the fields built on first access */
  _attributes: Attributes | undefined = undefined;
  /** @internal */
  _status: { code: number; message: string } | undefined = undefined;
  /** @internal */
  _events: SpanEvent[] | undefined = undefined;
  /** @internal */
  _links: SpanLink[] | undefined = undefined;

  /** @internal */
  constructor(b: Batch, o: number) {
    this.b = b;
    this.o = o;
  }

  /** The plain object of the span (what `JSON.stringify` writes). */
  toJSON(): Span {
    const s: Span = {
      traceId: this.traceId,
      spanId: this.spanId,
      parentSpanId: this.parentSpanId,
      traceState: this.traceState,
      flags: this.flags,
      name: this.name,
      kind: this.kind,
      startTimeUnixNano: this.startTimeUnixNano,
      endTimeUnixNano: this.endTimeUnixNano,
      attributes: this.attributes,
      droppedAttributesCount: this.droppedAttributesCount,
      status: this.status,
      events: this.events,
      droppedEventsCount: this.droppedEventsCount,
      links: this.links,
      droppedLinksCount: this.droppedLinksCount,
      resource: this.resource,
      scope: this.scope,
    };
    const frame = this.frame;
    if (frame !== undefined) s.frame = frame;
    return s;
  }
}
// the fields of Span, as prototype accessors
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface LazySpan extends Span {}

const strAt = (col: number) =>
  function (this: LazySpan): string {
    return this.b.str(this.b.S[this.o + col]!);
  };
const numAt = (col: number) =>
  function (this: LazySpan): number {
    return this.b.S[this.o + col]!;
  };

/**
 * The rows of a span's events or links: span columns `col` and `col + 1` hold its first
 * row and its end in a table `width` numbers a row; `make` builds the row at offset `j`.
 */
function rowsOf<T>(span: LazySpan, col: number, width: number, make: (j: number) => T): T[] {
  const S = span.b.S;
  const rows: T[] = [];
  for (let j = S[span.o + col]! * width, e = S[span.o + col + 1]! * width; j < e; j += width) rows.push(make(j));
  return rows;
}

const getters: { [K in keyof Span]-?: (this: LazySpan) => Span[K] } = {
  traceId: strAt(0),
  spanId: strAt(1),
  parentSpanId: strAt(2),
  traceState: strAt(3),
  flags: numAt(6),
  name: strAt(4),
  kind: numAt(5),
  startTimeUnixNano: strAt(7),
  endTimeUnixNano: strAt(8),
  attributes(this: LazySpan): Attributes {
    if (this._attributes !== undefined) return this._attributes;
    const S = this.b.S;
    return (this._attributes = this.b.attrs(S[this.o + 9]!, S[this.o + 10]!));
  },
  droppedAttributesCount: numAt(11),
  status(this: LazySpan) {
    return this._status ?? (this._status = { code: this.b.S[this.o + 12]!, message: this.b.str(this.b.S[this.o + 13]!) });
  },
  events(this: LazySpan): SpanEvent[] {
    const b = this.b;
    const E = b.E;
    return (this._events ??= rowsOf(this, 14, EVENT, (j) => ({ name: b.str(E[j]!), timeUnixNano: b.str(E[j + 1]!), attributes: b.attrs(E[j + 2]!, E[j + 3]!), droppedAttributesCount: E[j + 4]! })));
  },
  droppedEventsCount: numAt(16),
  links(this: LazySpan): SpanLink[] {
    const b = this.b;
    const L = b.L;
    return (this._links ??= rowsOf(this, 17, LINK, (j) => ({
      traceId: b.str(L[j]!),
      spanId: b.str(L[j + 1]!),
      traceState: b.str(L[j + 2]!),
      flags: L[j + 3]!,
      attributes: b.attrs(L[j + 4]!, L[j + 5]!),
      droppedAttributesCount: L[j + 6]!,
    })));
  },
  droppedLinksCount: numAt(19),
  resource(this: LazySpan): Attributes {
    return this.b.resource(this.b.S[this.o + 20]!);
  },
  scope(this: LazySpan): Scope {
    return this.b.scope(this.b.S[this.o + 21]!);
  },
  frame(this: LazySpan): number | undefined {
    return this.b.withFrame ? this.b.S[this.o + 22]! : undefined;
  },
};
for (const key of Object.keys(getters) as Array<keyof Span>) {
  Object.defineProperty(LazySpan.prototype, key, {
    get: getters[key],
    set(this: LazySpan, value: unknown) {
      Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
    },
    enumerable: false,
    configurable: true,
  });
}

/** Wraps one batch into lazy spans (resource and scope objects shared within the batch). @internal */
export function spansFromColumns(c: SpanColumns, withFrame: boolean): Span[] {
  const b = new Batch(c, withFrame);
  const n = c.span.length / SPAN;
  const out: Span[] = new Array<Span>(n);
  for (let i = 0; i < n; i++) out[i] = new LazySpan(b, i * SPAN);
  return out;
}
