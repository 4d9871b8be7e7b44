#!/bin/sh
# Puts paho-mqtt 2 (Debian 13's python3-paho-mqtt) into CACHE_DIR without touching the system's
# packages, and prints the directory to put on PYTHONPATH. Debian 12 ships paho-mqtt 1.6, whose
# Client() has no CallbackAPIVersion; the seed's scripts need 2.x. Reuses an earlier download.
#
#   PYTHONPATH=$(sh examples/tests/fetch_paho2.sh ~/.cache/mqttwire/paho2) python3 listener.py
set -eu
cache=${1:?usage: fetch_paho2.sh CACHE_DIR}
site="$cache/root/usr/lib/python3/dist-packages"
if [ -d "$site/paho" ]; then
    echo "$site"
    exit 0
fi
mkdir -p "$cache/lists/partial" "$cache/cache/archives/partial"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
    >"$cache/trixie.list"
# apt's own state and lists are left alone: everything it reads and writes is under $cache.
set -- -o "Dir::Etc::SourceList=$cache/trixie.list" -o Dir::Etc::SourceParts=/dev/null \
    -o "Dir::State::Lists=$cache/lists" -o "Dir::Cache=$cache/cache" \
    -o APT::Sandbox::User=root
apt-get "$@" -qq update >&2
(cd "$cache" && apt-get "$@" -qq download python3-paho-mqtt >&2)
dpkg -x "$cache"/python3-paho-mqtt_2*_all.deb "$cache/root"
test -d "$site/paho"
echo "$site"
