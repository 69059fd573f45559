# syntax=docker/dockerfile:1
# Build: compile TypeScript and the better-sqlite3 addon with the build tools it needs.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY graphs ./graphs
RUN npm run build && npm prune --omit=dev

# Run: slim image, no compilers, non-root, the SQLite file on a volume.
FROM node:20-bookworm-slim
ENV NODE_ENV=production CARE_GRAPH_DB=/data/care-graph.sqlite
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
ENTRYPOINT ["node", "bin/care-graph.mjs"]
CMD ["start"]
