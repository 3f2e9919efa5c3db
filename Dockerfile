# Production image. Its steps mirror the Makefile: install, migrate, ensure keys, seed, serve.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    NASSC_ENVIRONMENT=production \
    NASSC_KEYS_DIR=/var/lib/nassc/keys \
    NASSC_CONTEXTS_DIR=/srv/nassc/credentials/contexts \
    NASSC_CURRICULA_DIR=/srv/nassc/curricula \
    NASSC_MIGRATIONS_DIR=/srv/nassc/migrations \
    WEB_WORKERS=4

RUN useradd --create-home --uid 10001 nassc \
    && mkdir -p /srv/nassc /var/lib/nassc/keys \
    && chown -R nassc:nassc /var/lib/nassc

WORKDIR /srv/nassc
# The locked runtime versions first (a layer that changes only with the lock), then the app.
COPY requirements/runtime.txt requirements/runtime.txt
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements/runtime.txt
COPY pyproject.toml README.md ./
COPY app/ app/
COPY credentials/ credentials/
COPY curricula/ curricula/
COPY migrations/ migrations/
RUN pip install --no-cache-dir --no-deps .

USER nassc
EXPOSE 8000
VOLUME ["/var/lib/nassc/keys"]

# `make setup` then `make serve`, as one command per container start (each step is idempotent).
CMD ["sh", "-c", "nassc db upgrade && nassc keys ensure && nassc seed && exec nassc serve --host 0.0.0.0 --port 8000 --workers ${WEB_WORKERS}"]
