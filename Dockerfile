# ugbench image: the CLI on PATH as `ugbench`, production dependencies only, non-root user.
#   docker build -t ugbench:0.1.0 --build-arg COMMIT=$(git rev-parse --short=12 HEAD) .
#   docker run --rm -v "$PWD/results:/work/results" ugbench:0.1.0 bench /app/scenarios/default.yaml
# `ugbench k8s --image` expects such an image (docs/kubernetes.md). test/docker/dockerfile.test.ts
# checks the paths copied here and runs `ugbench --version` in the final layout, simulated.

# Stage 1: the repository (minus .dockerignore), full install, and `npm run build` (run by npm ci
# as `prepare`), which compiles the TypeScript to JavaScript beside the sources.
FROM node:20-slim AS build
# npm before 11.16 ignores package.json allowScripts: skip onnxruntime-node's CUDA download here
ENV ONNXRUNTIME_NODE_INSTALL=skip
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && rm -rf node_modules

# Stage 2: the built tree and production dependencies only.
FROM node:20-slim
ENV ONNXRUNTIME_NODE_INSTALL=skip NODE_ENV=production
WORKDIR /app
COPY --from=build /app ./
# `prepare` runs bin/build.mjs again: without TypeScript it leaves stage 1's build as it is
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
ARG COMMIT=unknown
RUN echo "$COMMIT" > COMMIT \
 && ln -s /app/bin/ugbench.mjs /usr/local/bin/ugbench \
 && mkdir /work && chown node:node /work
USER node
WORKDIR /work
ENTRYPOINT ["ugbench"]
CMD ["--help"]
