#!/usr/bin/env bash
# The production image serves the platform with DEBUG off (issue 15, production packaging).
#
# With a Docker engine (`docker info` answers): build the image, start it the way
# docker-compose.yml starts `web` (migrate, then gunicorn) against this machine's
# PostgreSQL and Redis, and call /healthz; then ask the running container for DEBUG.
# Without one (`docker --version` alone is only the client): run
# `manage.py check --deploy --fail-level WARNING` here with the image's environment: the
# Dockerfile's ENV lines plus what docker-compose.yml gives every app container, nothing
# from this shell's DJANGO_* / CELERY_* and no .env.
#
# Needs DATABASE_URL (CI's PostgreSQL; .ci/run exports it) and Redis on 127.0.0.1:6379.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
: "${DATABASE_URL:?set DATABASE_URL (a PostgreSQL database the image may migrate)}"

SECRET="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
HOSTS="kaiyihui.example.gov.cn"

# The image's own ENV lines (Dockerfile), as KEY=VALUE words.
mapfile -t IMAGE_ENV < <(sed -n 's/^ENV //p' Dockerfile | tr ' ' '\n' | grep '=')
# What docker-compose.yml's x-app environment and .env.production give a container.
RUN_ENV=(
  DJANGO_DEBUG=false
  DJANGO_SECRET_KEY="$SECRET"
  DJANGO_ALLOWED_HOSTS="$HOSTS"
  DATABASE_URL="$DATABASE_URL"
  CELERY_BROKER_URL=redis://127.0.0.1:6379/0
  CELERY_RESULT_BACKEND=redis://127.0.0.1:6379/1
  DJANGO_TRUSTED_PROXY_COUNT=1
)

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  image="kaiyihui:ci-check"
  port="${IMAGE_CHECK_PORT:-18000}"
  echo "Docker engine found: building $image"
  docker build -q -t "$image" . >/dev/null
  args=()
  for pair in "${RUN_ENV[@]}"; do args+=(-e "$pair"); done
  # Host networking: the database and Redis listen on this machine's 127.0.0.1.
  container="$(docker run -d --network host "${args[@]}" "$image" sh -c \
    "python manage.py migrate --no-input -v 0 &&
     exec gunicorn kaiyihui.wsgi:application --bind 127.0.0.1:$port --workers 2")"
  trap 'docker rm -f "$container" >/dev/null 2>&1 || true' EXIT
  body=""
  for _ in $(seq 1 90); do
    if body="$(curl -fsS "http://127.0.0.1:$port/healthz" 2>/dev/null)"; then break; fi
    if [ "$(docker inspect -f '{{.State.Running}}' "$container")" != "true" ]; then
      docker logs "$container" | tail -40
      echo "the container stopped before /healthz answered" >&2
      exit 1
    fi
    sleep 2
  done
  echo "/healthz: ${body:-no answer}"
  case "$body" in
    *'"status": "ok"'*) ;;
    *) docker logs "$container" | tail -40; echo "/healthz is not ok" >&2; exit 1 ;;
  esac
  debug="$(docker exec -e DJANGO_SETTINGS_MODULE=kaiyihui.settings "$container" python -c \
    'import django; django.setup(); from django.conf import settings; print(settings.DEBUG)' \
    2>/dev/null | tail -1)"
  [ "$debug" = "False" ] || { echo "DEBUG is $debug in the image" >&2; exit 1; }
  echo "image serves /healthz with DEBUG off"
else
  echo "No Docker engine here: manage.py check --deploy with the image's environment"
  clean=(PATH="$PATH" HOME="${HOME:-/tmp}" LANG=C.UTF-8 DJANGO_SETTINGS_MODULE=kaiyihui.settings)
  [ -n "${PGPASSWORD:-}" ] && clean+=(PGPASSWORD="$PGPASSWORD")
  media="$(mktemp -d)"
  trap 'rm -rf "$media"' EXIT
  env -i "${clean[@]}" "${IMAGE_ENV[@]}" "${RUN_ENV[@]}" DJANGO_MEDIA_ROOT="$media" \
    "$PY" manage.py check --deploy --fail-level WARNING
  debug="$(env -i "${clean[@]}" "${IMAGE_ENV[@]}" "${RUN_ENV[@]}" DJANGO_MEDIA_ROOT="$media" \
    "$PY" -c 'import django; django.setup(); from django.conf import settings; print(settings.DEBUG)' \
    2>/dev/null | tail -1)"
  [ "$debug" = "False" ] || { echo "DEBUG is $debug with the image's environment" >&2; exit 1; }
  echo "the image's environment passes the deploy check with DEBUG off"
fi
