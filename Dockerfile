# Art DAG L2 server. Multi-stage: build on Debian bookworm, run on bookworm-slim with only the
# shared libraries the binary links and the binary itself (templates, styles and the README
# are compiled into it). Runs as the unprivileged user `artdag`, data in the /data volume.
#   docker build -t artdag-l2 .
#   docker run -p 8200:8200 -v artdag-data:/data -e ARTDAG_DOMAIN=l2.example.com artdag-l2
FROM debian:bookworm AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DARTDAG_TESTS=OFF \
 && cmake --build /build --target artdag-l2 \
 && strip /build/artdag-l2

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
      libboost-url1.81.0 libcmark0.30.2 libcurl4 libfmt9 libpq5 libprometheus-cpp-core1.0 \
      libsodium23 libspdlog1.10 \
      libsqlite3-0 libssl3 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin artdag \
 && mkdir -p /data && chown artdag:artdag /data
COPY --from=build /build/artdag-l2 /usr/local/bin/artdag-l2
USER artdag
ENV ARTDAG_DATA=/data HOST=0.0.0.0 PORT=8200
VOLUME /data
EXPOSE 8200
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://127.0.0.1:8200/health || exit 1
# SIGTERM drains in-flight requests and hands unsent deliveries back to the queue.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/artdag-l2"]
CMD ["serve"]
