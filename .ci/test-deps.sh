#!/usr/bin/env bash
# Debian packages the tests need besides the Docker engine (.ci/docker-up.sh): Chromium for the
# browser checks of the HTML report, PNG charts and Mermaid block; tar and zstd, which
# @actions/cache shells out to for the baseline store. Idempotent; run as root on Debian 12.
set -euo pipefail

missing=()
for pkg in chromium tar zstd; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "test-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
wait=(-o DPkg::Lock::Timeout=600)
apt-get "${wait[@]}" update -q
apt-get "${wait[@]}" install -y -q --no-install-recommends "${missing[@]}"
