#!/usr/bin/env bash
# Builds dist/gongspool-<version>-1.el9.<arch>.rpm from the tree scripts/package.sh staged for
# the .deb: the same binary (glibc floor 2.34, libstdc++ GLIBCXX_3.4.29), unit and timers in /usr/lib/systemd/system,
# sysusers/tmpfiles snippets, the configuration as %config(noreplace), completions, the man
# page, the docs, the dashboard and alert rules. Requires: are rpm's own, read from the
# binary's libraries (libc.so.6(GLIBC_2.34)(64bit), libsqlite3.so.0()(64bit), …). Then checks
# it: rpm -qpRl and the files unpacked into an empty root.
#   scripts/package-rpm.sh STAGED_ROOT VERSION
set -euo pipefail
cd "$(dirname "$0")/.."
staged=${1:?usage: package-rpm.sh STAGED_ROOT VERSION}
version=${2:?usage: package-rpm.sh STAGED_ROOT VERSION}
for tool in rpmbuild rpm2cpio cpio; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (apt-get install rpm cpio)" >&2; exit 1; }
done
case "$(uname -m)" in x86_64) arch=x86_64 ;; aarch64) arch=aarch64 ;; *) echo "unsupported architecture $(uname -m)" >&2; exit 1 ;; esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree="$work/tree"
mkdir -p "$tree"
cp -a "$staged/." "$tree/"
rm -rf "$tree/DEBIAN"
# EL's layout: /lib is /usr/lib (a package may not ship files through the symlink), zsh's
# completions in site-functions; no Debian changelog.
mkdir -p "$tree/usr/lib/systemd"
mv "$tree/lib/systemd/system" "$tree/usr/lib/systemd/system"
rm -rf "$tree/lib"
mkdir -p "$tree/usr/share/zsh/site-functions"
mv "$tree/usr/share/zsh/vendor-completions/_gongspool" "$tree/usr/share/zsh/site-functions/_gongspool"
rm -rf "$tree/usr/share/zsh/vendor-completions"
rm -f "$tree/usr/share/doc/gongspool/changelog.gz"
install -d -m 0750 "$tree/var/lib/gongspool"

cat > "$work/gongspool.spec" <<SPEC
%global debug_package %{nil}
%global __os_install_post %{nil}
%define _build_id_links none
Name:           gongspool
Version:        ${version//-/_}
Release:        1.el9
Summary:        Upload PBX call recordings to Gong exactly once
License:        Apache-2.0
URL:            https://github.com/gongspool/gongspool
Requires:       systemd
Requires(pre):  shadow-utils
Requires(post): systemd

%description
$(cat scripts/package-description.txt)

%install
cp -a "$tree/." %{buildroot}/

%pre
# The service user (the sysusers snippet's, made here so the files below can belong to it).
getent group gongspool >/dev/null || groupadd --system gongspool
getent passwd gongspool >/dev/null || useradd --system --gid gongspool --home-dir /var/lib/gongspool \\
    --no-create-home --shell /sbin/nologin --comment "GongSpool recording uploader" gongspool
exit 0

%post
systemd-tmpfiles --create /usr/lib/tmpfiles.d/gongspool.conf >/dev/null 2>&1 || :
if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null 2>&1 || :; fi
if [ "\$1" -eq 1 ]; then
    cat <<'MSG'
gongspool is installed but not started. Next:
  1. edit /etc/gongspool/gongspool.yaml (spool, gong.baseURL, timeZone, backfill)
  2. put the access key and secret (one line each) in
     /etc/gongspool/credentials/gong-access-key and gong-access-key-secret (mode 0600)
  3. CREDENTIALS_DIRECTORY=/etc/gongspool/credentials gongspool check --config /etc/gongspool/gongspool.yaml
  4. systemctl enable --now gongspool
See /usr/share/doc/gongspool/install.md.
MSG
fi
exit 0

%preun
# Removal (not an upgrade): stop and disable the service.
if [ "\$1" -eq 0 ] && [ -d /run/systemd/system ]; then
    systemctl --no-reload disable --now gongspool.service >/dev/null 2>&1 || :
fi
exit 0

%postun
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || :
    # An upgrade of a running service: restart it on the new binary.
    if [ "\$1" -ge 1 ]; then systemctl try-restart gongspool.service >/dev/null 2>&1 || :; fi
fi
exit 0

%files
%attr(0755,root,root) /usr/bin/gongspool
/usr/lib/systemd/system/gongspool.service
/usr/lib/systemd/system/gongspool-backup.service
/usr/lib/systemd/system/gongspool-backup.timer
/usr/lib/systemd/system/gongspool-prune.service
/usr/lib/systemd/system/gongspool-prune.timer
/usr/lib/sysusers.d/gongspool.conf
/usr/lib/tmpfiles.d/gongspool.conf
%dir %attr(0750,root,gongspool) /etc/gongspool
%config(noreplace) %attr(0640,root,gongspool) /etc/gongspool/gongspool.yaml
%dir %attr(0700,root,root) /etc/gongspool/credentials
%dir %attr(0750,gongspool,gongspool) /var/lib/gongspool
/usr/share/bash-completion/completions/gongspool
/usr/share/zsh/site-functions/_gongspool
/usr/share/fish/vendor_completions.d/gongspool.fish
/usr/share/man/man1/gongspool.1.gz
%doc /usr/share/doc/gongspool
/usr/share/gongspool
SPEC

mkdir -p dist "$work/top"
rpmbuild -bb --quiet --target "$arch" \
  --define "_topdir $work/top" --define "_rpmdir $PWD/dist" \
  --define "_rpmfilename %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
  --define "_binary_payload w19.zstdio" \
  "$work/gongspool.spec" >/dev/null
out="dist/gongspool-${version//-/_}-1.el9.$arch.rpm"
[ -f "$out" ] || { echo "rpmbuild made no $out" >&2; exit 1; }

# The checks: what it requires, what it holds, and the files unpacked into an empty root.
requires=$(rpm -qpR "$out")
echo "$requires" | grep -q '^libc.so.6(GLIBC_2.34)' || { echo "$out: no libc requirement read from the binary:" >&2; echo "$requires" >&2; exit 1; }
newest=$(echo "$requires" | sed -n 's/^libc.so.6(GLIBC_\([0-9.]*\)).*/\1/p' | sort -V | tail -1)
[ "$(printf '%s\n2.34\n' "$newest" | sort -V | tail -1)" = 2.34 ] || { echo "$out requires glibc $newest (the floor is 2.34)" >&2; exit 1; }
# EL9's libstdc++ is GCC 11's: GLIBCXX_3.4.29 at most.
newest_cxx=$(echo "$requires" | sed -n 's/^libstdc++.so.6(GLIBCXX_\([0-9.]*\)).*/\1/p' | sort -V | tail -1)
[ -z "$newest_cxx" ] || [ "$(printf '%s\n3.4.29\n' "$newest_cxx" | sort -V | tail -1)" = 3.4.29 ] \
  || { echo "$out requires libstdc++ GLIBCXX_$newest_cxx (EL9 has 3.4.29)" >&2; exit 1; }
files=$(rpm -qpl "$out")
for f in /usr/bin/gongspool /usr/lib/systemd/system/gongspool.service /usr/lib/sysusers.d/gongspool.conf \
  /etc/gongspool/gongspool.yaml /usr/share/man/man1/gongspool.1.gz /usr/share/gongspool/grafana-dashboard.json \
  /usr/share/gongspool/prometheus-alerts.yaml /usr/share/bash-completion/completions/gongspool; do
  echo "$files" | grep -qx "$f" || { echo "$out lacks $f" >&2; exit 1; }
done
if echo "$files" | grep -q '^/lib/'; then echo "$out ships files under /lib (EL9: /usr/lib)" >&2; exit 1; fi
rpm -qp --configfiles "$out" | grep -qx /etc/gongspool/gongspool.yaml || { echo "the configuration is not a config file" >&2; exit 1; }
unpacked="$work/unpacked"
mkdir -p "$unpacked"
package=$(readlink -f "$out")
(cd "$unpacked" && rpm2cpio "$package" | cpio -idm --quiet)
"$unpacked/usr/bin/gongspool" --version >/dev/null
test -s "$unpacked/usr/share/gongspool/grafana-dashboard.json"
echo "$out"
