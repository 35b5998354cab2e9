# hookflow runs its TypeScript through tsx at load time, so the image needs no build stage:
# the runtime dependencies (tsx among them) plus the sources are the whole app.
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# Dependencies first, so editing a source file does not reinstall node_modules.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY tsconfig.json hookflow.config.json ./
COPY bin ./bin
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY handlers ./handlers

# The files stay root-owned: the app only reads them, so a compromised process cannot rewrite
# its own code. tsx keeps its compile cache in /tmp, which `node` can write.
USER node

# The config file binds to 127.0.0.1, which no other container could reach.
ENV HOOKFLOW_HOST=0.0.0.0 \
    HOOKFLOW_CONFIG=/app/hookflow.config.json
EXPOSE 3000

# Exec form: node is PID 1 and receives SIGTERM itself, so both the receiver and the worker
# drain in-flight work on `docker stop`.
CMD ["node", "bin/hookflow.js", "receiver"]
