# The production image: gunicorn for web, the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# WeasyPrint's libraries, a CJK font for PDFs, gettext for compiled translations.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz0b fonts-noto-cjk fontconfig curl procps \
 && rm -rf /var/lib/apt/lists/*

# The image never reads a .env (none is copied: .dockerignore): its configuration is the
# environment docker compose gives it (env_file, environment).
ENV DJANGO_READ_DOT_ENV=false
WORKDIR /app
# One copy and one install: every app the build context holds is installed (pyproject's
# include list; tests/kaiyihui/test_packaging.py checks it names every app). What must
# never reach an image (.env, .venv, .git, databases, media) is kept out by .dockerignore.
COPY . .
RUN pip install . \
 && DJANGO_DEBUG=true python manage.py collectstatic --no-input -v 0 \
 && useradd --system --uid 1000 kaiyihui && mkdir -p /app/media && chown kaiyihui /app/media
USER kaiyihui
EXPOSE 8000
CMD ["gunicorn", "kaiyihui.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
