# Shared bits for the installers: the cache directory and a tiny logger.
# Everything heavy lives under the user's cache so reruns are cheap and the repo stays clean.
DBTK_CACHE="${DBTK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dbtk}"
mkdir -p "$DBTK_CACHE/bin"
log() { printf '[tools] %s\n' "$*" >&2; }
