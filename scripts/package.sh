#!/usr/bin/env bash
# Builds dist/gongspool_<version>_<arch>.deb with dpkg-deb: a self-contained binary (the Swift
# runtime and Foundation linked in statically; only libraries every Debian/Ubuntu system has stay
# dynamic, named in Depends:), the hardened unit, sysusers/tmpfiles snippets, the configuration
# as a conffile, completions, a man page, the docs. Run from a checkout as an ordinary user;
# dpkg-deb --root-owner-group makes every file root's without fakeroot.
# The same files go into an RPM for EL9 (scripts/package-rpm.sh).
#   scripts/package.sh                    build (first time about 15 minutes on 2 cores)
#   VERSION_SUFFIX=+test1 scripts/package.sh --reuse-binary   re-package the last binary (tests)
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^ *public static let version = "\(.*\)"$/\1/p' Sources/GongSpoolCore/Support/BuildInfo.swift)${VERSION_SUFFIX:-}
[ -n "$version" ] || { echo "no version in Sources/GongSpoolCore/Support/BuildInfo.swift" >&2; exit 1; }
arch=$(dpkg --print-architecture)
scratch=.build-static
for tool in dpkg-deb dpkg-shlibdeps swift; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (apt-get install dpkg-dev; Swift from swift.org)" >&2; exit 1; }
done

# The glibc floor: 2.34 (Debian 12 has 2.36, RHEL 9 and its rebuilds 2.34). The static Swift
# runtime calls hypot/hypotf, which glibc 2.35 versioned anew; --wrap sends those calls to
# Sources/CGlibcFloor, which binds them to the versions every glibc has.
# Likewise libstdc++'s floor, GLIBCXX_3.4.29 (GCC 11, EL9): condition_variable::wait.
glibc_floor=2.34
glibcxx_floor=3.4.29
wrap=(-Xlinker --wrap=hypot -Xlinker --wrap=hypotf -Xlinker --wrap=_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE)
if [ "${1:-}" != --reuse-binary ]; then
  GONGSPOOL_COMMIT=$(git rev-parse --short HEAD 2>/dev/null || true) \
    swift build -c release --static-swift-stdlib "${wrap[@]}" --product gongspool --scratch-path "$scratch"
fi
bin="$(swift build -c release --static-swift-stdlib "${wrap[@]}" --scratch-path "$scratch" --show-bin-path)/gongspool"
scripts/check-glibc-floor.sh "$bin" "$glibc_floor" "$glibcxx_floor"

# Self-contained: nothing may come from the Swift toolchain.
if ldd "$bin" | grep -Eiq 'swift|/opt/|not found'; then
  ldd "$bin" >&2
  echo "the binary still needs libraries from the Swift toolchain" >&2
  exit 1
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 0755 "$root"
install -D -m 0755 "$bin" "$root/usr/bin/gongspool"
strip --strip-unneeded "$root/usr/bin/gongspool"

sed -e 's|/usr/local/bin/gongspool|/usr/bin/gongspool|' -e 's|^Documentation=.*|Documentation=man:gongspool(1) file:///usr/share/doc/gongspool/README.md|' \
  systemd/gongspool.service | install -D -m 0644 /dev/stdin "$root/lib/systemd/system/gongspool.service"
# The backup and prune timers ship disabled: systemctl enable --now gongspool-backup.timer
for unit in gongspool-backup.service gongspool-backup.timer gongspool-prune.service gongspool-prune.timer; do
  sed -e 's|/usr/local/bin/gongspool|/usr/bin/gongspool|' "systemd/$unit" | install -D -m 0644 /dev/stdin "$root/lib/systemd/system/$unit"
done
install -D -m 0644 systemd/gongspool.sysusers "$root/usr/lib/sysusers.d/gongspool.conf"
install -D -m 0644 systemd/gongspool.tmpfiles "$root/usr/lib/tmpfiles.d/gongspool.conf"
install -D -m 0644 config/gongspool.yaml "$root/etc/gongspool/gongspool.yaml"   # no secrets in it
install -d -m 0700 "$root/etc/gongspool/credentials"

"$root/usr/bin/gongspool" --generate-completion-script bash | sed '1{/^#!/d}' | install -D -m 0644 /dev/stdin "$root/usr/share/bash-completion/completions/gongspool"
"$root/usr/bin/gongspool" --generate-completion-script zsh | install -D -m 0644 /dev/stdin "$root/usr/share/zsh/vendor-completions/_gongspool"
"$root/usr/bin/gongspool" --generate-completion-script fish | install -D -m 0644 /dev/stdin "$root/usr/share/fish/vendor_completions.d/gongspool.fish"
install -d "$root/usr/share/man/man1"
"$root/usr/bin/gongspool" --experimental-dump-help | python3 scripts/manpage.py "$version" > "$root/usr/share/man/man1/gongspool.1"
gzip -9n "$root/usr/share/man/man1/gongspool.1"

doc="$root/usr/share/doc/gongspool"
install -D -m 0644 README.md "$doc/README.md"
for f in docs/*.md; do install -D -m 0644 "$f" "$doc/$(basename "$f")"; done
install -D -m 0644 config/gongspool.yaml "$doc/examples/gongspool.yaml"
# The Grafana dashboard and the Prometheus alert rules (docs/install.md, "Monitoring").
for f in grafana-dashboard.json prometheus-alerts.yaml; do install -D -m 0644 "config/monitoring/$f" "$root/usr/share/gongspool/$f"; done
cat > "$doc/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: gongspool
Source: https://github.com/gongspool/gongspool

Files: *
Copyright: 2026 The GongSpool authors
License: Apache-2.0
 On Debian systems, the full text of the Apache License 2.0 is in
 /usr/share/common-licenses/Apache-2.0.
EOF
printf 'gongspool (%s) stable; urgency=medium\n\n  * Release %s.\n\n -- GongSpool maintainers <gongspool@example.com>  %s\n' \
  "$version" "$version" "$(date -R -u -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")" \
  | gzip -9n > "$doc/changelog.gz"   # a native package: changelog.gz

# Depends: from the libraries the binary links, as Debian maps them.
work=$(mktemp -d)
mkdir -p "$work/debian"
printf 'Source: gongspool\n\nPackage: gongspool\nArchitecture: any\n' > "$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O "$root/usr/bin/gongspool" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
rm -rf "$work"
[ -n "$depends" ] || { echo "dpkg-shlibdeps found no dependencies" >&2; exit 1; }

install -d "$root/DEBIAN"
cat > "$root/DEBIAN/control" <<EOF
Package: gongspool
Version: $version
Architecture: $arch
Maintainer: GongSpool maintainers <gongspool@example.com>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends, passwd, procps
Recommends: systemd
Section: net
Priority: optional
Homepage: https://github.com/gongspool/gongspool
Description: upload PBX call recordings to Gong exactly once
$(sed -e 's/^$/./' -e 's/^/ /' scripts/package-description.txt)
EOF
echo /etc/gongspool/gongspool.yaml > "$root/DEBIAN/conffiles"
for script in postinst prerm postrm; do install -m 0755 "scripts/debian/$script" "$root/DEBIAN/$script"; done

mkdir -p dist
out="dist/gongspool_${version}_${arch}.deb"
dpkg-deb --build --root-owner-group -Zxz "$root" "$out" >/dev/null
echo "$out"

# The same files as an RPM for EL9 (RHEL 9, Rocky, Alma: glibc 2.34), unless NO_RPM=1.
if [ -z "${NO_RPM:-}" ]; then
  command -v rpmbuild >/dev/null || { echo "rpmbuild is needed for the EL9 package (apt-get install rpm; NO_RPM=1 skips it)" >&2; exit 1; }
  scripts/package-rpm.sh "$root" "$version"
fi
