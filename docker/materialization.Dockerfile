# The materialization job's image: the `skewless` CLI on PATH and the feature repo at /feature_repo,
# as the Pulumi stacks' job definitions expect (their command writes feature_store.yaml there and
# runs `skewless materialize-incremental`). Build from the repository root:
#   docker build -f docker/materialization.Dockerfile --build-arg REPO=stacks/feature_repo -t skewless-job .
# (Not built in CI: the test machines have no Docker engine. The job's command is tested locally in
# test/pulumi/materialization-job.test.ts.)
FROM node:20-bookworm-slim
WORKDIR /opt/skewless
COPY package.json package-lock.json tsconfig.base.json ./
COPY runtime ./runtime
RUN npm ci --workspace runtime --include-workspace-root=false --ignore-scripts=false \
 && npx --workspace runtime tsc -p runtime/tsconfig.json \
 && ln -s /opt/skewless/runtime/bin/skewless.js /usr/local/bin/skewless
# DuckDB reads s3:// and gs:// parquet through its httpfs extension: install it now, so the job
# needs no download at run time.
RUN cd runtime && node -e "const { DuckDBInstance } = require('@duckdb/node-api'); (async () => { const db = await DuckDBInstance.create(); const c = await db.connect(); await c.run('INSTALL httpfs'); })()"
ARG REPO=stacks/feature_repo
# The job writes feature_store.yaml (and the CA) into the repo: the user it runs as owns it.
COPY --chown=node:node ${REPO} /feature_repo
USER node
