# The Debian packages the tests use, installed when missing (apt-get, as root or through sudo):
# PostgreSQL's binaries (Hangfire's production storage), Chromium and its headless shell (the page tests drive the
# shell, the same engine without the desktop browser around it; never a downloaded browser).

debian_packages_install() {
  local missing=() sudo=()
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromium-headless-shell ] || missing+=(chromium-headless-shell)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "Installing ${missing[*]} from Debian (once)..." >&2
  "${sudo[@]}" apt-get update -qq >/dev/null \
    && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { echo "warning: apt-get install ${missing[*]} failed" >&2; return 1; }
}
