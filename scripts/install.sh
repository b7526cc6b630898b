#!/usr/bin/env bash
# Installs GongSpool from source on a Debian/Ubuntu server: builds a release binary as an
# unprivileged user (the build runs Package.swift and fetches packages: never as root), then,
# as root, installs it with the systemd unit, the service user (sysusers.d), /etc/gongspool
# (tmpfiles.d) and an example configuration (never overwriting an existing one).
#   sudo scripts/install.sh                 from your own checkout: builds as you ($SUDO_USER)
#   sudo BUILD_USER=builder scripts/install.sh
#   sudo PREFIX=/usr scripts/install.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=${PREFIX:-/usr/local}

[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo scripts/install.sh): installing needs it; the build runs as you" >&2; exit 1; }
BUILD_USER=${BUILD_USER:-${SUDO_USER:-}}
if [ -z "$BUILD_USER" ] || [ "$BUILD_USER" = root ]; then
  echo "the build must not run as root: run 'sudo scripts/install.sh' from your own account, or set BUILD_USER=<user>" >&2
  exit 1
fi
as_builder() { runuser -u "$BUILD_USER" -- env PATH="$PATH" HOME="$(getent passwd "$BUILD_USER" | cut -d: -f6)" "$@"; }
if ! as_builder sh -c 'command -v swift' >/dev/null 2>&1; then
  echo "swift is not installed for $BUILD_USER: get the Swift 6 toolchain from https://www.swift.org/install/linux/" >&2
  echo "(or install the gongspool .deb package, which needs no Swift: scripts/package.sh)" >&2
  exit 1
fi
dpkg -s libsqlite3-dev >/dev/null 2>&1 || { apt-get update -qq; apt-get install -y -qq libsqlite3-dev; }

as_builder swift build -c release --product gongspool
bin=$(as_builder swift build -c release --show-bin-path)

install -D -m 0755 "$bin/gongspool" "$PREFIX/bin/gongspool"
install -D -m 0644 systemd/gongspool.sysusers /usr/lib/sysusers.d/gongspool.conf
install -D -m 0644 systemd/gongspool.tmpfiles /usr/lib/tmpfiles.d/gongspool.conf
sed "s|/usr/local/bin/gongspool|$PREFIX/bin/gongspool|" systemd/gongspool.service > /etc/systemd/system/gongspool.service
chmod 0644 /etc/systemd/system/gongspool.service
# The backup and prune timers, disabled: systemctl enable --now gongspool-backup.timer
for unit in gongspool-backup.service gongspool-backup.timer gongspool-prune.service gongspool-prune.timer; do
  sed "s|/usr/local/bin/gongspool|$PREFIX/bin/gongspool|" "systemd/$unit" > "/etc/systemd/system/$unit"
  chmod 0644 "/etc/systemd/system/$unit"
done
install -D -m 0644 README.md /usr/share/doc/gongspool/README.md
# The Grafana dashboard and the Prometheus alert rules (docs/install.md, "Monitoring").
for f in grafana-dashboard.json prometheus-alerts.yaml; do install -D -m 0644 "config/monitoring/$f" "/usr/share/gongspool/$f"; done
systemd-sysusers /usr/lib/sysusers.d/gongspool.conf
systemd-tmpfiles --create /usr/lib/tmpfiles.d/gongspool.conf
if [ ! -e /etc/gongspool/gongspool.yaml ]; then
  install -m 0640 -g gongspool config/gongspool.yaml /etc/gongspool/gongspool.yaml
fi
"$PREFIX/bin/gongspool" --generate-completion-script bash > /usr/share/bash-completion/completions/gongspool 2>/dev/null || true
systemctl daemon-reload 2>/dev/null || echo "note: systemd is not running here; run systemctl daemon-reload once it is"

cat <<MSG
Installed $PREFIX/bin/gongspool and gongspool.service.
Next:
  1. edit /etc/gongspool/gongspool.yaml (spool.directory, gong.baseURL) and the unit's ReadWritePaths=
     (systemctl edit gongspool) if your spool is not /var/spool/asterisk/monitor;
  2. put the access key and secret in /etc/gongspool/credentials/gong-access-key and
     gong-access-key-secret (mode 0600, root);
  3. CREDENTIALS_DIRECTORY=/etc/gongspool/credentials gongspool check --config /etc/gongspool/gongspool.yaml
     sudo -u gongspool gongspool check --offline --config /etc/gongspool/gongspool.yaml
     (the first asks Gong with the root-only credentials; the second checks the directories as the service user)
  4. systemctl enable --now gongspool && sudo -u gongspool gongspool status --config /etc/gongspool/gongspool.yaml
MSG
