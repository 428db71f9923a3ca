# Shared bits for the installers: the cache directory and a tiny logger.
# Everything heavy lives under the user's cache so reruns are cheap and the repo stays clean.
DBTK_CACHE="${DBTK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dbtk}"
mkdir -p "$DBTK_CACHE/bin"
log() { printf '[tools] %s\n' "$*" >&2; }

# Exits with a hint when a command the installer needs is missing: need <command> <hint>.
need() { command -v "$1" >/dev/null 2>&1 || { log "$1 not found: $2"; exit 1; }; }

# sha256 of the given pin files: the stamp an install records in its .complete file.
pin_hash() { cat "$@" | sha256sum | cut -d' ' -f1; }

# The install in $1 is complete and current when its .complete stamp (written last) equals $2.
is_current() { [ "$(cat "$1/.complete" 2>/dev/null)" = "$2" ]; }

# Prints the go.mod of a throw-away module building from github.com/pulumi/pulumi/pkg/v3 at version $2:
# pkg's go.mod has replace directives, so `go install` refuses it; this module repeats the non-local ones
# (the local ../sdk becomes the pinned sdk). Usage: pulumi_wrapper_gomod <module path> <version>.
pulumi_wrapper_gomod() {
  local gomod
  gomod=$(go mod download -json "github.com/pulumi/pulumi/pkg/v3@$2" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  printf 'module %s\n\ngo 1.25\n\nrequire (\n  github.com/pulumi/pulumi/pkg/v3 %s\n  github.com/pulumi/pulumi/sdk/v3 %s\n)\n' "$1" "$2" "$2"
  grep -E '^replace .* => [^.]' "$gomod" || true
}

# Writes the wrapper $DBTK_CACHE/bin/<name> from stdin, atomically: another process may be running it.
write_wrapper() {
  cat > "$DBTK_CACHE/bin/$1.tmp"
  chmod +x "$DBTK_CACHE/bin/$1.tmp"
  mv "$DBTK_CACHE/bin/$1.tmp" "$DBTK_CACHE/bin/$1"
}
