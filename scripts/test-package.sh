#!/usr/bin/env bash
# Proves a gongspool .deb in a clean Debian 12 root made with debootstrap (no Swift inside):
# installed with apt (dependencies from Debian), --version, the demo (a full delivery against
# the embedded simulator), systemd-analyze verify of the unit, an upgrade that keeps an edited
# configuration, remove (configuration and state stay) and purge (both go) — and the spool is
# never touched. Needs root (debootstrap, chroot, mounts) and Debian's package mirror.
#   sudo scripts/test-package.sh dist/gongspool_1.1.0_amd64.deb
set -euo pipefail
deb=$(readlink -f "${1:?usage: test-package.sh dist/gongspool_<version>_<arch>.deb}")
[ "$(id -u)" -eq 0 ] || { echo "needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }
mirror=${MIRROR:-http://deb.debian.org/debian}

root=$(mktemp -d /var/tmp/gongspool-root.XXXXXX)
work=$(mktemp -d)
cleanup() {
  umount -l "$root/proc" 2>/dev/null || true
  umount -l "$root/dev" 2>/dev/null || true
  rm -rf "$root" "$work"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

step "a clean Debian 12 root"
debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
mount --bind /dev "$root/dev"
mount -t proc proc "$root/proc"
if in_root sh -c 'command -v swift || ls /usr/lib /usr/local/lib 2>/dev/null | grep -i swift'; then
  echo "the root has Swift in it" >&2; exit 1
fi

step "install with apt"
cp "$deb" "$root/tmp/gongspool.deb"
in_root apt-get install -y -qq /tmp/gongspool.deb
in_root gongspool --version
in_root getent passwd gongspool
test "$(stat -c '%a %U' "$root/etc/gongspool/credentials")" = "700 root"

step "the demo: simulator, sample spool, a full delivery"
in_root gongspool demo --directory /tmp/demo | tail -4
in_root gongspool status --config /tmp/demo/gongspool.yaml | grep -E '^done +4$'

step "the unit"
in_root apt-get install -y -qq systemd man-db >/dev/null
in_root systemd-analyze verify /lib/systemd/system/gongspool.service

step "state, an edited configuration and a spool"
in_root gongspool status --config /etc/gongspool/gongspool.yaml >/dev/null
test -f "$root/var/lib/gongspool/state.sqlite"
echo "# edited by the admin" >> "$root/etc/gongspool/gongspool.yaml"
mkdir -p "$root/srv/spool"
echo recording > "$root/srv/spool/call.wav"

step "upgrade to a rebuilt package: the edited configuration stays"
dpkg-deb -R "$deb" "$work/pkg"
sed -i 's/^Version: \(.*\)$/Version: \1+rebuild1/' "$work/pkg/DEBIAN/control"
dpkg-deb --build --root-owner-group "$work/pkg" "$root/tmp/gongspool-upgrade.deb" >/dev/null
in_root dpkg -i /tmp/gongspool-upgrade.deb
in_root dpkg-query -W -f '${Version}\n' gongspool | grep -q '+rebuild1'
grep -q "edited by the admin" "$root/etc/gongspool/gongspool.yaml"

step "remove: configuration and state stay, the spool is untouched"
in_root apt-get remove -y -qq gongspool
test ! -e "$root/usr/bin/gongspool"
test -f "$root/etc/gongspool/gongspool.yaml"
test -f "$root/var/lib/gongspool/state.sqlite"
test "$(cat "$root/srv/spool/call.wav")" = recording

step "purge: configuration and state go, the spool is untouched"
in_root apt-get purge -y -qq gongspool
test ! -e "$root/etc/gongspool"
test ! -e "$root/var/lib/gongspool"
test "$(cat "$root/srv/spool/call.wav")" = recording

printf '\npackage test passed: %s\n' "$(basename "$deb")"
