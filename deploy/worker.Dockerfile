# Image for Crucible's control and exec workers (docker-compose.yml). Solutions never run in this
# image: exec workers start sandbox containers (crucible-sandbox) on the host's engine through its socket.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm install --no-save tsx@4
COPY src ./src
COPY tsconfig.json ./
ENV NODE_ENV=production
ENTRYPOINT ["node", "--import", "tsx", "src/workers/main.ts"]
