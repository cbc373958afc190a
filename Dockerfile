# syntax=docker/dockerfile:1
# Mano: one image for every role (nfvo, vnfm, worker, web) and for the one-off `migrate` verb.
#   docker build -t mano .
#   docker run --rm -p 127.0.0.1:9890:8080 mano            # embedded default: SQLite + in-memory bus
#   docker compose up                                       # scaled-out shape: see docker-compose.yml
# Configuration is by environment variables only (MANO_ROLES, Database__Provider, ConnectionStrings__Mano,
# Bus__Transport, Bus__RabbitMq__Uri, MANO_DATA_DIR); no secret is baked into the image.

# ---- portal (web/): built only when web/package.json exists ----------------------------------------------------
FROM node:22-bookworm-slim AS web
WORKDIR /web
COPY web/ ./
RUN if [ -f package.json ]; then \
      (npm ci --no-audit --no-fund || npm install --no-audit --no-fund) && npm run build; \
    fi; \
    mkdir -p dist

# ---- build ------------------------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /repo
# Repository-wide MSBuild settings (Central Package Management, warnings as errors, SDK pin) first.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
# The portal is served as the host's static files.
COPY --from=web /web/dist/ src/Host/wwwroot/
RUN dotnet restore src/Host/Host.csproj
RUN dotnet publish src/Host/Host.csproj -c Release --no-restore -o /app /p:UseAppHost=false

# ---- runtime ----------------------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
# Listen on all interfaces, but only inside the container: the host side of the port mapping decides exposure.
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    ASPNETCORE_HTTP_PORTS= \
    DOTNET_gcServer=1 \
    MANO_DATA_DIR=/var/lib/mano
# The aspnet image ships the non-root user `app` (uid 1654).
RUN mkdir -p /var/lib/mano && chown app:app /var/lib/mano
COPY --from=build --chown=app:app /app ./
USER app
VOLUME ["/var/lib/mano"]
EXPOSE 8080
# `healthcheck` verb of the host: GET http://localhost:8080/health/ready, exit 0 when healthy, 1 otherwise.
# (The aspnet image has neither curl nor wget.)
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["dotnet", "Mano.Host.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "Mano.Host.dll"]
