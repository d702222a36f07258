# cdb image: one binary, every mode (cdb run | node | report | admin ...).
#   docker build -t cdb .
# Build stage: the project's own dependency script and build script.
FROM debian:12 AS build
WORKDIR /src
COPY scripts/deps.sh scripts/deps.sh
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends sudo \
    && bash scripts/deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN rm -rf build && bash scripts/build.sh build \
    && strip build/cdb

# Runtime stage: the shared libraries cdb links, the binary, the configs.
FROM debian:12-slim
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
      libcaf-core0.17 libcaf-io0.17 libcaf-openssl0.17 libpqxx-6.4 \
      libprometheus-cpp-pull1.0 libprometheus-cpp-core1.0 libsimdjson14 \
      libssl3 ca-certificates curl postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/cdb --create-home cdb
COPY --from=build /src/build/cdb /usr/local/bin/cdb
COPY config/ /etc/cdb/
USER cdb
WORKDIR /var/lib/cdb
# node link, admin API, metrics (bind addresses come from the config)
EXPOSE 7100 9465 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD curl -fsS http://127.0.0.1:9465/health || exit 1
ENTRYPOINT ["/usr/local/bin/cdb"]
CMD ["run", "--config", "/etc/cdb/paper.conf"]
