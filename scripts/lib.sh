# Shared helpers for the project's scripts: finding JDK 25 and installing Debian packages.
# Sourced, not executed.

# Sets JAVA_HOME to a JDK 25 or newer: $JAVA_HOME if it qualifies, else one under /usr/lib/jvm.
javelin_find_jdk() {
    local candidate version
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/*; do
        [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
        version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 \
            | sed -n 's/^ *java.specification.version = //p')
        if [ -n "$version" ] && [ "${version%%.*}" -ge 25 ] 2>/dev/null; then
            export JAVA_HOME="$candidate"
            export PATH="$JAVA_HOME/bin:$PATH"
            return 0
        fi
    done
    echo "javelin: needs JDK 25 or newer; none found (set JAVA_HOME, or install Temurin 25 under /usr/lib/jvm)" >&2
    return 1
}

# Installs the named Debian packages that are missing (needs root, as on the project's machines).
javelin_apt_install() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "javelin: missing Debian packages: ${missing[*]} (install them as root: apt-get install ${missing[*]})" >&2
        return 1
    fi
    echo "javelin: installing Debian packages: ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}
