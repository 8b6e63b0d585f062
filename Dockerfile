# Charter: one image for the web app and the CLI.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts/build_assets.sh scripts/
COPY app/web app/web
RUN bash scripts/build_assets.sh

FROM python:3.11-slim-bookworm
# Pango and HarfBuzz for WeasyPrint; libharfbuzz-subset0, or WeasyPrint falls back to a pure-Python
# font subsetter and renders several times slower.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
      libharfbuzz-subset0 fonts-dejavu-core shared-mime-info \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 charter
WORKDIR /srv/charter
COPY pyproject.toml README.md ./
COPY app app
COPY frameworks frameworks
COPY --from=assets /src/app/web/static app/web/static
RUN pip install --no-cache-dir . && mkdir -p var && chown charter:charter var
USER charter
ENV CHARTER_DATABASE_URL=sqlite:////srv/charter/var/charter.sqlite3 \
    CHARTER_EVIDENCE_DIR=/srv/charter/var/evidence \
    CHARTER_VAR_DIR=/srv/charter/var \
    CHARTER_HEADER_TIMEOUT=10 \
    CHARTER_BODY_TIMEOUT=30 \
    CHARTER_KEEP_ALIVE_TIMEOUT=5 \
    CHARTER_MAX_CONNECTIONS=500
# Forwarded headers are believed only from the proxy named here, e.g. CHARTER_TRUSTED_PROXIES=10.0.0.5
VOLUME ["/srv/charter/var"]
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["charter", "serve", "--host", "0.0.0.0"]
