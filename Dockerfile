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

# ---- build: full install, Prisma client generation, SWC compile to dist/ --------------------
FROM node:20-bookworm-slim AS build
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
# dist/libs/db/src/generated; at runtime it needs only @prisma/client (a dependency).
# libs/testing is test-only (no app imports it), so it stays out of the image.
RUN node scripts/prisma-generate.mjs \
 && node scripts/build.mjs \
 && rm -rf dist/libs/testing dist/bench

# ---- runtime: production dependencies + compiled output, non-root -------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/scripts/migrate.mjs ./scripts/migrate.mjs

# Files stay root-owned (read-only for the app); nothing writes under /app at runtime.
USER node
EXPOSE 3000 3001 3002 3003 3004

# Default: the gateway. Override the command to run another service or the migrations.
CMD ["node", "dist/apps/gateway/src/main.js"]
