# hookflow's image: the compiled package, built in a stage of its own, so the image that runs
# carries neither TypeScript nor tsx nor the build's devDependencies.
#   docker build -t hookflow .
#   docker run hookflow                       # the receiver (CMD below)
#   docker run hookflow node bin/hookflow.js worker

# --- build: the full toolchain runs `npm run build` (dist/ plus the prebuilt workflow bundle).
FROM node:20-bookworm-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
# Scripts off: `prepare` is the build itself, which needs the sources copied below.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
RUN npm run build

# --- runtime: production dependencies and the compiled package.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app

# Dependencies first, so editing a source file does not reinstall node_modules. No script of
# any dependency is needed (hookflow never relies on one), and `prepare` has nothing to build.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

COPY --from=build /build/dist ./dist
COPY bin ./bin
# The sample config and handlers (TypeScript, compiled on load by hookflow's esbuild); mount
# your own over them.
COPY hookflow.config.json ./
COPY handlers ./handlers

# The files stay root-owned: the app only reads them, so a compromised process cannot rewrite
# its own code.
USER node

# The config file binds to 127.0.0.1, which no other container could reach.
ENV HOOKFLOW_HOST=0.0.0.0 \
    HOOKFLOW_CONFIG=/app/hookflow.config.json
EXPOSE 3000

# The receiver's liveness. A worker serves /healthz on worker.port (9464) instead: compose
# gives its service a healthcheck of its own.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HOOKFLOW_PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Exec form: node is PID 1 and receives SIGTERM itself, so both the receiver and the worker
# drain in-flight work on `docker stop`.
# The receiver's Node flags: src/receiver/receiver-node-flags.ts.
CMD ["node", "--max-semi-space-size=4", "bin/hookflow.js", "receiver"]
