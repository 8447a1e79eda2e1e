# Image for Crucible's control and exec workers (docker-compose.yml), built by scripts/worker-image.sh
# without a container registry: on the sandbox image (`BASE`, from scripts/sandbox-image.sh), the host's
# Node 20 binary and the app as the script stages it (package files, src/, prompts/, bin/ and the
# production node_modules of `npm ci --omit=dev`). Solutions never run in this image: exec workers start
# sandbox containers (crucible-sandbox) on the host's engine through its socket.
ARG BASE=crucible-sandbox:latest
FROM ${BASE}
USER 0:0
COPY node /usr/local/bin/node
COPY app /app
WORKDIR /app
ENV NODE_ENV=production HOME=/root
ENTRYPOINT ["node", "--import", "tsx", "src/workers/main.ts"]
CMD ["--help"]
