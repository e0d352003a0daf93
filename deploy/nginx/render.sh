#!/usr/bin/env bash
# Render a template of deploy/nginx/ into a site file for Debian's nginx, on stdout.
#
#   deploy/nginx/render.sh [multistream|livekit]
#
#   SERVER_NAME=class.school.example LIVEKIT_URL=wss://livekit.school.example \
#     STORAGE_ORIGIN=https://s3.school.example API_SERVERS="127.0.0.1:8471 127.0.0.1:8472" \
#     deploy/nginx/render.sh > /etc/nginx/sites-available/multistream
#   LIVEKIT_SERVER_NAME=livekit.school.example \
#     deploy/nginx/render.sh livekit > /etc/nginx/sites-available/livekit
#
# Every variable but the server names has a default for the single-machine install of
# docs/deploy.md. Lists are separated by spaces.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
template="${1:-multistream}"

LISTEN_HTTP="${LISTEN_HTTP:-80}"
LISTEN_HTTPS="${LISTEN_HTTPS:-443}"
case "$template" in
  multistream)
    : "${SERVER_NAME:?set SERVER_NAME to the host name browsers use, e.g. class.school.example}"
    certificate_name="$SERVER_NAME"
    ;;
  livekit)
    : "${LIVEKIT_SERVER_NAME:?set LIVEKIT_SERVER_NAME to the host name of LiveKit, e.g. livekit.school.example}"
    certificate_name="$LIVEKIT_SERVER_NAME"
    ;;
  *)
    echo "render.sh: no template '$template' (multistream or livekit)" >&2
    exit 2
    ;;
esac
TLS_CERTIFICATE="${TLS_CERTIFICATE:-/etc/letsencrypt/live/$certificate_name/fullchain.pem}"
TLS_CERTIFICATE_KEY="${TLS_CERTIFICATE_KEY:-/etc/letsencrypt/live/$certificate_name/privkey.pem}"
ACME_ROOT="${ACME_ROOT:-/var/www/letsencrypt}"
WEB_ROOT="${WEB_ROOT:-/opt/multistream/web/dist}"
# host:port of every api process (multistream-api@PORT units, or other machines).
API_SERVERS="${API_SERVERS:-127.0.0.1:8471 127.0.0.1:8472}"
# Addresses or networks (CIDR) that may read /metrics and /readyz.
MONITORING_ALLOW="${MONITORING_ALLOW:-127.0.0.1 ::1}"
# Where browsers reach LiveKit (LIVEKIT_URL of the environment file; empty without live
# media) and the object store's presigned URLs (the scheme and host of S3_ENDPOINT_URL, or
# of the bucket's virtual host; empty for STORAGE_BACKEND=filesystem).
LIVEKIT_URL="${LIVEKIT_URL-wss://livekit.${SERVER_NAME:-localhost}}"
STORAGE_ORIGIN="${STORAGE_ORIGIN-}"
# With MULTISTREAM_AUTH_PROVIDER=clerk: MULTISTREAM_CLERK_ISSUER (its frontend API).
CLERK_ISSUER="${CLERK_ISSUER-}"
# host:port of LiveKit's signalling on each node (livekit.yaml `port`, `bind_addresses`).
LIVEKIT_SERVERS="${LIVEKIT_SERVERS:-127.0.0.1:7880}"

upstream_servers=""
for server in $API_SERVERS; do
  upstream_servers+="    server $server max_fails=1 fail_timeout=5s;"$'\n'
done
livekit_servers=""
for server in $LIVEKIT_SERVERS; do
  livekit_servers+="    server $server;"$'\n'
done
monitoring_allow=""
for source in $MONITORING_ALLOW; do
  monitoring_allow+="        allow $source;"$'\n'
done
livekit_origins=""
if [ -n "$LIVEKIT_URL" ]; then
  # The client signals over wss:// and checks the server over https:// first.
  livekit_host="${LIVEKIT_URL#*://}"
  livekit_host="${livekit_host%%/*}"
  livekit_origins="wss://$livekit_host https://$livekit_host"
fi

# The app page's policy, as the api writes it for the page it serves itself.
scripts="'self'"; styles="'self'"; images="'self' data: blob:"; media="'self' blob:"
connect="'self' wss://\$host"; frames="'none'"
if [ -n "$livekit_origins" ]; then
  connect+=" $livekit_origins"
fi
if [ -n "$STORAGE_ORIGIN" ]; then
  images+=" $STORAGE_ORIGIN"; media+=" $STORAGE_ORIGIN"; connect+=" $STORAGE_ORIGIN"
fi
if [ -n "$CLERK_ISSUER" ]; then
  # Clerk's components: its script and API, avatars, the Cloudflare Turnstile bot check,
  # and the styles it injects at run time.
  clerk="$(printf '%s' "$CLERK_ISSUER" | sed -E 's#^(https?://[^/]+).*#\1#')"
  scripts+=" $clerk https://challenges.cloudflare.com"; connect+=" $clerk"
  images+=" https://img.clerk.com"; frames="https://challenges.cloudflare.com"
  styles+=" 'unsafe-inline'"
fi
content_security_policy="default-src 'self'; script-src $scripts; style-src $styles; img-src $images; media-src $media; connect-src $connect; font-src 'self'; worker-src 'self' blob:; frame-src $frames; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; upgrade-insecure-requests"

site="$(cat "$here/$template.conf")"
site="${site//@SERVER_NAME@/"${SERVER_NAME:-}"}"
site="${site//@LIVEKIT_SERVER_NAME@/"${LIVEKIT_SERVER_NAME:-}"}"
site="${site//@LISTEN_HTTP@/"$LISTEN_HTTP"}"
site="${site//@LISTEN_HTTPS@/"$LISTEN_HTTPS"}"
site="${site//@TLS_CERTIFICATE@/"$TLS_CERTIFICATE"}"
site="${site//@TLS_CERTIFICATE_KEY@/"$TLS_CERTIFICATE_KEY"}"
site="${site//@ACME_ROOT@/"$ACME_ROOT"}"
site="${site//@WEB_ROOT@/"$WEB_ROOT"}"
site="${site//@UPSTREAM_SERVERS@$'\n'/"$upstream_servers"}"
site="${site//@MONITORING_ALLOW@$'\n'/"$monitoring_allow"}"
site="${site//@CONTENT_SECURITY_POLICY@/"$content_security_policy"}"
site="${site//@LIVEKIT_SERVERS@$'\n'/"$livekit_servers"}"
if [[ "$site" =~ @[A-Z_]+@ ]]; then
  echo "render.sh: ${BASH_REMATCH[0]} was left unfilled" >&2
  exit 1
fi
printf '%s\n' "$site"
