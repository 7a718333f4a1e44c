// Types for the one function of prepare.mjs the tests import (test/engines.spec.ts).
export function nodeSupported(version?: string): boolean;
