# syntax=docker/dockerfile:1.7
# The image of one service, from the repository root:
#
#   docker buildx bake -f deploy/docker/docker-bake.json course          # or every target
#   docker build -f deploy/docker/service.Dockerfile \
#     --build-arg SERVICE=course --build-arg SERVICE_MODULE=lms_course.server -t lms-course:dev .
#
# It holds Python, the three local distributions (lms-contracts, lms-kit, lms-<service>) and
# exactly the third-party distributions of deploy/docker/locks/<service>.txt (the service's
# dependency closure, scripts/gen_images.py): the course image has no torch. No pip, no
# compiler, no shell tools beyond the base image's; runs as uid 10001.
#
# Pinned base: the exact Python of constraints/.venv on Debian 12. CI pins the digest too:
#   --build-arg PYTHON_IMAGE=python:3.11.7-slim-bookworm@sha256:<digest>
ARG PYTHON_IMAGE=python:3.11.7-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ARG SERVICE
RUN test -n "${SERVICE}" || (echo "--build-arg SERVICE=<name> is required" >&2; exit 1)
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_ROOT_USER_ACTION=ignore
# The image's environment has no pip of its own: the build stage's pip installs into it.
RUN python -m venv --without-pip /opt/venv
COPY deploy/docker/locks/${SERVICE}.txt /src/lock.txt
RUN pip --python /opt/venv/bin/python install --no-deps -r /src/lock.txt
COPY gen/python /src/gen/python
COPY services/kit /src/services/kit
COPY services/${SERVICE} /src/services/${SERVICE}
RUN pip --python /opt/venv/bin/python install --no-deps \
        /src/gen/python /src/services/kit /src/services/${SERVICE} \
 && pip --python /opt/venv/bin/python check \
 && /opt/venv/bin/python -m compileall -q /opt/venv/lib

FROM ${PYTHON_IMAGE} AS runtime
ARG SERVICE
ARG SERVICE_MODULE
RUN test -n "${SERVICE_MODULE}" || (echo "--build-arg SERVICE_MODULE=<module> is required" >&2; exit 1) \
 && groupadd --system --gid 10001 lms \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin lms
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:${PATH} \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LMS_SERVICE_NAME=${SERVICE} \
    LMS_SERVICE_MODULE=${SERVICE_MODULE} \
    LMS_GRPC_HOST=0.0.0.0
LABEL org.opencontainers.image.title="lms-${SERVICE}" \
      org.opencontainers.image.description="The LMS ${SERVICE} service"
USER 10001:10001
# The chart sets the command itself (python -m <module> [migrate]); this is for `docker run`.
ENTRYPOINT ["/bin/sh", "-c", "exec python -m \"$LMS_SERVICE_MODULE\" \"$@\"", "lms-service"]
