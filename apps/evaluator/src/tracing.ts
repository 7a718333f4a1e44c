import { startTracing } from '@tripline/tracing';

// main.ts's first import, so that this runs before anything else is required: the
// instrumentations patch http, pg and undici only if they are in place when those load.
startTracing('evaluator');
