# syntax=docker/dockerfile:1
# Node 24: an LTS line supported until April 2028 (Node 20's ended in April 2026); better-sqlite3 12 ships
# prebuilt binaries for it, and the build stage has the compilers for when none fits.
ARG NODE_IMAGE=node:24-bookworm-slim

# Build: compile TypeScript and the better-sqlite3 addon with the build tools it needs.
FROM ${NODE_IMAGE} AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY graphs ./graphs
RUN npm run build && npm prune --omit=dev

# Run: slim image, no compilers, non-root; everything it writes (the SQLite file, experiment tables) goes
# to the /data volume, the rest of the image is read-only to it.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production CARE_GRAPH_DB=/data/care-graph.sqlite HOST=0.0.0.0 PORT=8080
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json langgraph.json ./
COPY bin ./bin
COPY prompts ./prompts
COPY data ./data
COPY public ./public
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# No curl in the slim image: Node's own fetch. /healthz needs no API key.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/care-graph.mjs"]
# Seeds the 200 demo customers into an empty database, then serves; the experiment is opt-in
# (`docker run … IMAGE start`, or `… IMAGE experiment --iterations 5`), not rerun on every restart.
CMD ["start", "--no-experiment"]
