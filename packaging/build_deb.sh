#!/usr/bin/env bash
# Assemble the Debian package from the PyInstaller folder:
#   packaging/build_deb.sh FROZEN_DIR VERSION OUT_DIR
# FROZEN_DIR is dist folder PyInstaller made from packaging/regal-desktop.spec; the result
# is OUT_DIR/regal-desktop_VERSION_amd64.deb. Needs dpkg-dev (dpkg-shlibdeps), which works
# out Depends from the ELF files, and patchelf, so the list follows whatever Qt and Python bring.
set -euo pipefail

frozen=${1:?FROZEN_DIR}
version=${2:?VERSION}
out=${3:?OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
package=regal-desktop
stage=$repo/build/deb/$package
deb=$out/${package}_${version}_amd64.deb

rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$out"
cp -a "$frozen" "$stage/opt/$package"
# /usr/bin and /opt are different top-level folders: Debian policy wants an absolute link.
ln -s "/opt/$package/$package" "$stage/usr/bin/$package"

share=$stage/usr/share
install -D -m 644 "$repo/resources/$package.desktop" "$share/applications/$package.desktop"
icons=$share/icons/hicolor
install -D -m 644 "$repo/resources/icons/$package.svg" "$icons/scalable/apps/$package.svg"
for png in "$repo"/resources/icons/"$package"-*.png; do
	size=${png##*-}
	size=${size%.png}
	install -D -m 644 "$png" "$icons/${size}x${size}/apps/$package.png"
done

# The changelog entry is dated by the last commit, so two builds of one commit are equal.
when=$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)
doc=$share/doc/$package
install -d "$doc" "$share/man/man1" "$share/lintian/overrides"
install -m 644 "$here/debian/copyright" "$doc/copyright"
{
	echo "$package ($version) unstable; urgency=medium"
	echo
	echo "  * Regal Desktop $version (the changes users notice: CHANGELOG.md)."
	echo
	echo " -- Regal Desktop maintainers <maintainers@example.com>  $(date -u -R -d "@$when")"
} | gzip -9n >"$doc/changelog.gz"
sed "s/@VERSION@/$version/" "$here/debian/$package.1" | gzip -9n >"$share/man/man1/$package.1.gz"
install -m 644 "$here/debian/lintian-overrides" "$share/lintian/overrides/$package"

# Debian modes: folders 755, files 644, only programs executable (shared objects are not).
find "$stage" -type d -exec chmod 755 {} +
find "$stage" -type f -exec chmod 644 {} +
chmod 755 "$stage/opt/$package/$package"

elves=$(find "$stage/opt" -type f \( -name '*.so' -o -name '*.so.*' -o -name "$package" \))
# Run paths naming the build machine's folders (a pyenv or hosted-tool Python's lib/) would
# make the installed program look for libraries there; keep only the bundle's $ORIGIN ones.
for elf in $elves; do
	runpath=$(patchelf --print-rpath "$elf")
	kept=$(tr ':' '\n' <<<"$runpath" | grep '^\$ORIGIN' | paste -sd: || true)
	if [ "$runpath" != "$kept" ]; then
		if [ -n "$kept" ]; then patchelf --set-rpath "$kept" "$elf"; else patchelf --remove-rpath "$elf"; fi
	fi
done
internal=$stage/opt/$package/_internal
# dpkg-shlibdeps wants a debian/control of the source package beside it; write a minimal one.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: amd64\n' "$package" "$package" \
	>"$work/debian/control"
# Its warnings (unused direct links inside Qt's own libraries, $ORIGIN run paths) concern
# the wheels' binaries, not this package; errors still stop the build.
depends=$(cd "$work" &&
	dpkg-shlibdeps -O -l"$internal" -l"$internal/PySide6/Qt/lib" $elves 2>"$work/shlibdeps.log" |
	sed -n 's/^shlibs:Depends=//p') || {
	cat "$work/shlibdeps.log" >&2
	exit 1
}
installed_size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
	-e "s/@DEPENDS@/$depends/" "$here/debian/control.in" >"$stage/DEBIAN/control"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
	xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
chmod 644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"

dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
