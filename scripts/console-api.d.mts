// Types for what the tests import from console-api.mjs.
export const SCHEMA_FILE: string;
export const COMPILED_DOCUMENT_MODULE: string;
export function consoleApiTypes(document: object): Promise<string>;
