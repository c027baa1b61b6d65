# Steward in production: one image, every role. Which role a container runs is its command:
#   node packages/cli/bin/steward.mjs start --role web|worker|scheduler|all
# and the one-shot `migrate` and `deploy` steps run the same image. See docs/production.md.
# A team's own project: build FROM this image and COPY it in, or mount it, and pass --config.
FROM node:20-bookworm-slim

ENV NEXT_TELEMETRY_DISABLED=1 \
    TURBO_TELEMETRY_DISABLED=1 \
    STEWARD_HOME=/var/lib/steward

WORKDIR /steward

# Dependencies first, so a source change does not reinstall them.
COPY package.json package-lock.json .npmrc ./
COPY apps/web/package.json apps/web/
COPY packages/ packages/
COPY examples/package.json examples/
RUN npm ci

COPY . .
# The production build of the web UI, made by the same ensureWebBuild the web role checks at
# start: the role then finds it current and starts without building.
RUN node scripts/build-web.mjs

RUN mkdir -p /var/lib/steward && chown node:node /var/lib/steward
USER node

ENV NODE_ENV=production PORT=3000
EXPOSE 3000
ENTRYPOINT ["node", "packages/cli/bin/steward.mjs"]
CMD ["start", "--role", "all", "--config", "examples/steward.config.ts"]
