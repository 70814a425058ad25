// Constants the page shares with lib/report/model.ts (type codes of attribute triples)
// and the OTLP enums it names.
/** Shared with the data builder, so the two cannot disagree. */
export { ATTR_TYPES, REPORT_DATA_VERSION } from '../../lib/report/model';

/** OTLP span kind names by number. */
export const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
/** OTLP status code names by number. */
export const STATUS = ['unset', 'ok', 'error'];
