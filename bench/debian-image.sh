#!/usr/bin/env bash
# Builds the real image that the image benchmark and the real-image tests
# read: Debian 12 minbase with python3 from Debian's packages (mmdebstrap),
# the pyenv CPython 3.12.1 of this machine copied into /usr/local (as the
# official python images build theirs), and an app virtualenv in
# /app/.venv on that interpreter holding requests and cryptography with
# their dependencies (copied from pyenv 3.11.7's site-packages by their
# RECORD files). Packed as a `docker save` archive by bench/mkimage.
#
# Writes, once, into ${PYSBOM_TEST_CACHE:-~/.cache/pysbom-test}:
#   debian12-python.tar       the image (tag pysbom.test/debian12-python:3.12.1)
#   debian12-python.packages  "NAME VERSION ARCH" of every installed Debian
#                             package, as dpkg-query printed it inside the
#                             image: the tests' independent oracle
# FORCE=1 rebuilds. Needs root, mmdebstrap and Debian's package mirror.
set -euo pipefail
cd "$(dirname "$0")/.."
cache="${PYSBOM_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pysbom-test}"
image="$cache/debian12-python.tar"
if [ -s "$image" ] && [ -s "$cache/debian12-python.packages" ] && [ -z "${FORCE:-}" ]; then
  echo "$image"
  exit 0
fi
command -v mmdebstrap >/dev/null || { echo "needs mmdebstrap: apt-get install mmdebstrap" >&2; exit 1; }
pyenv="${PYENV_ROOT:-$HOME/.pyenv}/versions"
[ -x "$pyenv/3.12.1/bin/python3.12" ] || { echo "needs pyenv 3.12.1 at $pyenv/3.12.1" >&2; exit 1; }
site311="$pyenv/3.11.7/lib/python3.11/site-packages"
[ -d "$site311" ] || { echo "needs pyenv 3.11.7's site-packages at $site311" >&2; exit 1; }
mkdir -p "$cache"
work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "debian-image: mmdebstrap bookworm minbase + python3..." >&2
# the host's dpkg-query reads the new root's database: the tests' oracle
cat > "$work/hook.sh" <<EOF
#!/bin/sh
dpkg-query --admindir="\$1/var/lib/dpkg" -W -f='\${db:Status-Abbrev} \${Package} \${Version} \${Architecture}\n' |
  awk '\$1 == "ii" {print \$2, \$3, \$4}' | sort > "$work/packages"
EOF
chmod +x "$work/hook.sh"
mmdebstrap --quiet --variant=minbase --include=python3,python3-venv,ca-certificates \
  --customize-hook="$work/hook.sh" bookworm "$work/rootfs.tar" >&2

echo "debian-image: /usr/local from pyenv 3.12.1..." >&2
tar -C "$pyenv/3.12.1" --owner=0 --group=0 --numeric-owner --sort=name \
  --transform 's,^\.,usr/local,S' -cf "$work/local.tar" .

echo "debian-image: /app/.venv with requests and cryptography..." >&2
venv="$work/venv/app/.venv"
sp="$venv/lib/python3.12/site-packages"
mkdir -p "$venv/bin" "$sp"
printf 'home = /usr/local/bin\ninclude-system-site-packages = false\nversion = 3.12.1\nexecutable = /usr/local/bin/python3.12\ncommand = /usr/local/bin/python3.12 -m venv /app/.venv\n' > "$venv/pyvenv.cfg"
ln -s /usr/local/bin/python3.12 "$venv/bin/python"
ln -s python "$venv/bin/python3"
for dist in requests urllib3 idna certifi charset_normalizer cryptography cffi pycparser; do
  info=$(ls -d "$site311/$dist"-*.dist-info | head -1)
  cut -d, -f1 "$info/RECORD" | grep -v '^\.\./' | grep -v '^$' | sed 's/^"//; s/"$//' > "$work/files"
  tar -C "$site311" -cf - -T "$work/files" | tar -C "$sp" -xf -
  # console scripts, as pip installed them beside the interpreter
  cut -d, -f1 "$info/RECORD" | sed -n 's,^\.\./\.\./\.\./bin/,,p' | while read -r script; do
    cp -p "$pyenv/3.11.7/bin/$script" "$venv/bin/"
  done
done
tar -C "$work/venv" --owner=0 --group=0 --numeric-owner --sort=name -cf "$work/venv.tar" app

go run ./bench/mkimage -o "$work/image.tar" -t pysbom.test/debian12-python:3.12.1 \
  "$work/rootfs.tar=mmdebstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm" \
  "$work/local.tar=COPY pyenv 3.12.1 /usr/local" \
  "$work/venv.tar=RUN python3 -m venv /app/.venv && /app/.venv/bin/pip install requests cryptography"
mv "$work/packages" "$cache/debian12-python.packages"
mv "$work/image.tar" "$image"
echo "$image"
