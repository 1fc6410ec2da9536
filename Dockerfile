# slac in a container: a Swift build stage and a slim Debian run stage with only the system
# libraries the binary loads (scripts/check-docker-runtime.sh checks that list against ldd).
#
#   docker build --build-arg SLAC_REVISION=$(git rev-parse --short=7 HEAD) -t slac .
#   docker run --rm -v "$PWD:/work" --user "$(id -u):$(id -g)" slac \
#       verify --contract Contracts/acme-schedule-b.sla Contracts/samples/acme-2026-03-14.jsonl --report report.xml

FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      pkg-config libxml2-dev libxslt1-dev zlib1g-dev libzstd-dev libisal-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The git revision for `slac --version` (the build context has no .git).
ARG SLAC_REVISION=unknown
RUN printf 'enum BuildRevision {\n    static let value = "%s"\n}\n' "$SLAC_REVISION" > Sources/SLACTool/Revision.swift \
 && swift build -c release --static-swift-stdlib --product slac \
 && install -D -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/slac" /out/slac \
 && strip /out/slac

FROM debian:bookworm-slim
# The runtime libraries of bin/slac (ldd): libxml2, libxslt1.1 (libxslt, libexslt), zlib1g, libzstd1, libisal2,
# libstdc++6, libgcc-s1; libc6 is in the base image, liblzma5 and libicu72 come with libxml2.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libxml2 libxslt1.1 zlib1g libzstd1 libisal2 libstdc++6 libgcc-s1 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/slac /usr/local/bin/slac
WORKDIR /work
ENTRYPOINT ["slac"]
CMD ["--help"]
