#!/bin/sh
# Builds the base of Portway's container image as a `docker save` tar, with no registry and no Docker daemon:
# a Java runtime made by jlink from the building JDK, and from Debian's packages only what that runtime and the
# embedded PostgreSQL load (glibc, zlib, libstdc++, libgcc) plus dash, since initdb and pg_ctl run their programs
# through /bin/sh. Jib (`./mvnw -Pimage package`) puts the server on top of it. Needs a JDK with jmods (Debian's
# openjdk-17-jdk) and apt-get on an amd64 Debian host; the image it makes is linux/amd64.
#
# usage: base-image.sh JDK_HOME OUT_DIR
set -eu
jdk=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
uid=10001   # the portway user inside the image; owns the data directory

rm -rf "$out"
root="$out/rootfs"
mkdir -p "$root" "$out/debs"

# Modules: what the server's libraries use (jdeps cannot read the shaded jar's multi-release entries, so java.se
# stands in for the list), plus the elliptic curves of TLS, JMX-free management beans for the JVM meters, DNS.
"$jdk/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.zipfs \
  --strip-debug --no-man-pages --no-header-files --compress=2 --output "$root/opt/java"

packages="libc6 zlib1g libstdc++6 libgcc-s1 dash"
# A fresh container has no package lists yet; only root can fetch them.
# shellcheck disable=SC2086
if ! (cd "$out/debs" && apt-get download -qq $packages 2>/dev/null); then
  [ "$(id -u)" = 0 ] && apt-get update -qq >/dev/null 2>&1
  (cd "$out/debs" && apt-get download -qq $packages 2>/dev/null) \
    || { echo "base-image.sh: apt-get download $packages failed" >&2; exit 1; }
fi
for deb in "$out"/debs/*.deb; do dpkg-deb -x "$deb" "$root"; done
rm -rf "$root/usr/share/doc" "$root/usr/share/lintian" "$root/usr/share/man" "$root/usr/share/gdb" \
  "$root/usr/share/gcc" "$root/usr/share/menu" "$root/usr/share/debianutils"

mkdir -p "$root/tmp" "$root/etc/portway" "$root/var/lib/portway"
chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/bin/false\nportway:x:%s:%s:Portway:/var/lib/portway:/bin/false\n' $uid $uid > "$root/etc/passwd"
printf 'root:x:0:\nportway:x:%s:\n' $uid > "$root/etc/group"
cp "$here/server.yaml" "$root/etc/portway/server.yaml"

# One layer, owned by root but for the data directory; names sorted and times zeroed, so the same inputs give the
# same layer.
layer="$out/layer.tar"
tar --create --file "$layer" --directory "$root" --sort=name --mtime=@0 --numeric-owner --owner=0 --group=0 \
  --exclude=./var/lib/portway .
tar --append --file "$layer" --directory "$root" --mtime=@0 --numeric-owner --owner=$uid --group=$uid \
  ./var/lib/portway
diff_id=$(sha256sum "$layer" | cut -d' ' -f1)

cat > "$out/config.json" <<JSON
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java"],"User":"$uid:$uid"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created_by":"deploy/image/base-image.sh"}]}
JSON
printf '[{"Config":"config.json","RepoTags":["portway/base:local"],"Layers":["layer.tar"]}]\n' > "$out/manifest.json"
tar --create --file "$out/base.tar" --directory "$out" manifest.json config.json layer.tar
rm -rf "$root" "$out/debs" "$layer"
