#!/usr/bin/env bash
# Makes a local stand-in for docker.io/library/node:20-bookworm-slim where no image registry
# is reachable: a Debian bookworm minbase root (debootstrap) with this machine's Node.js and
# npm in /usr/local, as in the official image, committed with buildah. For building
# deploy/Containerfile here (test/e2e/container.test.ts):
#   scripts/container-base.sh localhost/node-base:20
#   buildah bud --isolation chroot --format docker \
#     --build-arg NODE_IMAGE=localhost/node-base:20 -f deploy/Containerfile -t bridge .
set -euo pipefail
image="${1:?usage: scripts/container-base.sh IMAGE-NAME}"
node_bin="$(command -v node)"
npm_dir="$(dirname "$(readlink -f "$(command -v npm)")")/.."
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT

debootstrap --variant=minbase bookworm "$root/rootfs" http://deb.debian.org/debian >/dev/null
install -m 0755 "$node_bin" "$root/rootfs/usr/local/bin/node"
mkdir -p "$root/rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$root/rootfs/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/rootfs/usr/local/bin/npx"
# The machine's certificate bundle: the build's `npm ci` reaches the registry as this machine does.
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  mkdir -p "$root/rootfs/etc/ssl/certs"
  cp -L /etc/ssl/certs/ca-certificates.crt "$root/rootfs/etc/ssl/certs/"
fi
rm -rf "$root/rootfs/var/cache/apt/archives/"*.deb

container="$(buildah from scratch)"
mount="$(buildah mount "$container")"
cp -a "$root/rootfs/." "$mount/"
buildah umount "$container" >/dev/null
buildah config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
  --cmd node "$container"
buildah commit -q "$container" "$image" >/dev/null
buildah rm "$container" >/dev/null
echo "$image: Debian bookworm with Node.js $("$node_bin" --version)"
