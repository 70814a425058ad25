// Constants the page shares with lib/report/model.ts (type codes of attribute triples)
// and the OTLP enums it names.
export { ATTR_TYPES, REPORT_DATA_VERSION } from '../../lib/report/model';

export const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
export const STATUS = ['unset', 'ok', 'error'];
