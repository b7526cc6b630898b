#!/usr/bin/env bash
# Proves a gongspool .deb in a clean Debian root made with debootstrap (no Swift inside):
# installed with apt (dependencies from Debian), --version, the demo (a full delivery against
# the embedded simulator), systemd-analyze verify of the unit, an upgrade that keeps an edited
# configuration, remove (configuration and state stay) and purge (both go) — and the spool is
# never touched. With the EL9 RPM beside the .deb (scripts/package.sh builds both), its files
# are unpacked into the same root, away from the .deb's, and its binary runs the demo too.
# Needs root (debootstrap, chroot, mounts) and Debian's package mirror.
#   sudo scripts/test-package.sh dist/gongspool_1.1.0_amd64.deb        Debian 12 (bookworm)
#   sudo scripts/test-package.sh dist/gongspool_1.1.0_amd64.deb 13     Debian 13 (trixie)
set -euo pipefail
deb=$(readlink -f "${1:?usage: test-package.sh dist/gongspool_<version>_<arch>.deb [12|13]}")
release=${2:-12}
case "$release" in
  12 | bookworm) release=12 suite=bookworm ;;
  13 | trixie) release=13 suite=trixie ;;
  *) echo "Debian release 12 or 13, not $release" >&2; exit 1 ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }
# An older debootstrap may not know the newer suite; its scripts are the same as bookworm's.
[ -e "/usr/share/debootstrap/scripts/$suite" ] || ln -s bookworm "/usr/share/debootstrap/scripts/$suite"
mirror=${MIRROR:-http://deb.debian.org/debian}
rpm_file=$(ls "$(dirname "$deb")"/gongspool-*.el9.*.rpm 2>/dev/null | sort -V | tail -1 || true)

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

step "a clean Debian $release ($suite) root"
debootstrap --variant=minbase "$suite" "$root" "$mirror" >/dev/null
echo "glibc $(in_root ldd --version | head -1 | awk '{print $NF}')"
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

if [ -n "$rpm_file" ]; then
  step "the EL9 RPM's files, unpacked into /opt/el9 of this root: its binary runs the demo"
  command -v rpm2cpio >/dev/null && command -v cpio >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rpm cpio >/dev/null
  rpm -qpR "$rpm_file" | grep -E '^lib'
  mkdir -p "$root/opt/el9"
  (cd "$root/opt/el9" && rpm2cpio "$rpm_file" | cpio -idm --quiet)
  test -f "$root/opt/el9/usr/lib/systemd/system/gongspool.service"
  in_root /opt/el9/usr/bin/gongspool demo --directory /tmp/demo-el9 | tail -2
  in_root /opt/el9/usr/bin/gongspool status --config /tmp/demo-el9/gongspool.yaml | grep -E '^done +4$'
fi

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

printf '\npackage test passed on Debian %s: %s%s\n' "$release" "$(basename "$deb")" "${rpm_file:+ and $(basename "$rpm_file")}"
