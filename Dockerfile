# One image for every Tripline service and for the migration runner; the container's command
# picks what runs (docker-compose.yml sets it per service):
#
#   node dist/apps/gateway/src/main.js      # :3000 (the default CMD below)
#   node dist/apps/ingestion/src/main.js    # :3001
#   node dist/apps/registry/src/main.js     # :3002
#   node dist/apps/evaluator/src/main.js    # :3003
#   node dist/apps/dispatcher/src/main.js   # :3004
#   node scripts/migrate.mjs                # creates the database if missing, applies prisma/migrations
#
# Every service reads KAFKA_BROKERS, DATABASE_URL, LOG_LEVEL, LOG_FORMAT and PORT. The gateway,
# the registry and the dispatcher also need TRIPLINE_SECRETS_KEY (32 random bytes, base64: it
# seals signing secrets and callback URLs; the same key in all three), and the gateway
# TRIPLINE_ADMIN_TOKEN (>= 16 characters). The README's configuration table lists the optional
# ones. Health: GET /health/live, /health/ready.
#
# Install scripts are skipped (--ignore-scripts): none is needed (package.json's allowScripts
# denies them all under npm 11; the image's npm 10 does not read that list, hence the flag).
#
# Size: 226 MB, of which 194 MB is the base and 32 MB our layers (the trimmed production
# node_modules, dist/, the migrations). Measured by `npm run test:docker`, which builds this file
# (on a stand-in built in node:20-bookworm-slim's layout where no registry answers), fails above
# 250 MB and runs the image end to end.
#
# NODE_IMAGE is the base of every stage; the image test passes its stand-in here. Users need not
# set it.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: full install, Prisma client generation, SWC compile to dist/ --------------------
FROM ${NODE_IMAGE} AS build
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts

COPY tsconfig.base.json tsconfig.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY libs ./libs
COPY apps ./apps
# The build compiles the benchmark with the rest (it shares the libs); it is dropped below.
COPY bench ./bench

# The client is generated into libs/db/src/generated and compiled with the rest into
# dist/libs/db/src/generated; at runtime it needs only @prisma/client (a dependency). The build
# also bundles the console (apps/console, with Vite) into dist/console, which the gateway serves.
# libs/testing is test-only (no app imports it), so it stays out of the image.
RUN node scripts/prisma-generate.mjs \
 && node scripts/build.mjs \
 && rm -rf dist/libs/testing dist/bench

# ---- deps: the production packages, and nothing the services do not load ----------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=optional as well as --omit=dev: the Prisma CLI (with its studio and local dev server)
# and TypeScript are optional peers of @prisma/client that the lockfile marks "devOptional", which
# --omit=dev alone keeps. Then: the generated client loads only the PostgreSQL query compiler
# (CommonJS, "fast" build), so the other databases' compilers go; type declarations and the
# dependencies' source maps are never read at runtime (our own dist/ keeps its maps).
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
 && find node_modules/@prisma/client/runtime -name 'query_compiler_*' \
      ! -name 'query_compiler_fast_bg.postgresql.js' ! -name 'query_compiler_fast_bg.postgresql.wasm-base64.js' -delete \
 && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \) -delete

# ---- runtime: production dependencies + compiled output, non-root -------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app

COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/scripts/migrate.mjs ./scripts/migrate.mjs

# Files stay root-owned (read-only for the app); nothing writes under /app at runtime.
USER node
EXPOSE 3000 3001 3002 3003 3004

# Default: the gateway. Override the command to run another service or the migrations.
CMD ["node", "dist/apps/gateway/src/main.js"]
