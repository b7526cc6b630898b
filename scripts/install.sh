#!/usr/bin/env bash
# Installs GongSpool on a Debian/Ubuntu PBX server: builds a release binary, installs it with the
# systemd unit, the service user (sysusers.d), /etc/gongspool (tmpfiles.d) and an example
# configuration (never overwriting an existing one). Run as root from the repository.
#   scripts/install.sh            build and install
#   PREFIX=/usr scripts/install.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=${PREFIX:-/usr/local}

[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
dpkg -s libsqlite3-dev >/dev/null 2>&1 || { apt-get update -qq; apt-get install -y -qq libsqlite3-dev; }

swift build -c release --product gongspool
bin=$(swift build -c release --show-bin-path)

install -D -m 0755 "$bin/gongspool" "$PREFIX/bin/gongspool"
install -D -m 0644 systemd/gongspool.sysusers /usr/lib/sysusers.d/gongspool.conf
install -D -m 0644 systemd/gongspool.tmpfiles /usr/lib/tmpfiles.d/gongspool.conf
sed "s|/usr/local/bin/gongspool|$PREFIX/bin/gongspool|" systemd/gongspool.service > /etc/systemd/system/gongspool.service
chmod 0644 /etc/systemd/system/gongspool.service
install -D -m 0644 README.md /usr/share/doc/gongspool/README.md
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
  3. gongspool check --config /etc/gongspool/gongspool.yaml
  4. systemctl enable --now gongspool && gongspool status --config /etc/gongspool/gongspool.yaml
MSG
