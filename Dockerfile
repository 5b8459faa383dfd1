# syntax=docker/dockerfile:1
# trivy-ts: the operator, its scan Jobs and the CLI, in one image.
#
#   docker build -t ghcr.io/trivy-ts/trivy-ts:$(node -p "require('./package.json').version") .
#
# NODE_VERSION is the Node that package.json pins (devDependencies.node); test/deploy/helm-image.test.ts checks that
# they agree.
ARG NODE_VERSION=24.21.0

# The CLI bundle (scripts/build.ts): it loads ~120 files instead of ~400 at start-up, which every scan Job pays for.
# esbuild is a dev dependency, so this stage installs them all; only dist/ leaves it.
FROM node:${NODE_VERSION}-bookworm-slim AS bundle
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY src ./src
COPY scripts/build.ts ./scripts/build.ts
RUN node scripts/build.ts

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; none of them has a native addon, so no install script has to run.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY bin ./bin
COPY src ./src
# bin/trivy-ts runs node_modules/.bin/node (the pinned dev dependency in a checkout); here it is the image's Node.
RUN ln -s /usr/local/bin/node node_modules/.bin/node
COPY --from=bundle /app/dist ./dist
# bin/trivy-ts runs the bundle only when nothing it was built from is newer; it was built from these very files, but
# the two stages ran side by side, so its time stamp is set after them.
RUN touch dist/cli/main.js

FROM node:${NODE_VERSION}-bookworm-slim
# npm, npx and yarn are not needed at run time: fewer packages, fewer findings in our own image.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/bin/npm /usr/local/bin/npx /opt/yarn-* \
    /usr/local/bin/yarn /usr/local/bin/yarnpkg \
  && groupadd --gid 10000 trivy-ts \
  && useradd --uid 10000 --gid 10000 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin trivy-ts
COPY --from=build /app /app
RUN ln -s /app/bin/trivy-ts /usr/local/bin/trivy-ts \
  && mkdir /app/node_modules/.cache \
  && chown 10000:10000 /app/node_modules/.cache
# The CLI's own cache (trivy-ts image …) goes to /tmp, which is writable when the root file system is not.
ENV XDG_CACHE_HOME=/tmp/.cache
# Numeric, so that Kubernetes can verify runAsNonRoot; the chart runs the pods as this user.
USER 10000:10000
# Node's compile cache, filled now as the user that runs the image: every scan Job starts from it (Node keys the
# cache by user id and reads it even where the root file system is read-only). It holds what starting a command
# needs; each command's own code is compiled when it first runs, which the bundle keeps cheap.
RUN trivy-ts --help > /dev/null && trivy-ts operator --help > /dev/null && trivy-ts scan-job --help > /dev/null
ENTRYPOINT ["trivy-ts"]
CMD ["--help"]
