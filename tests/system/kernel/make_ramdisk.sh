#!/bin/sh
# Builds a cpio (newc) ramdisk for the kernel's system tests:
#   make_ramdisk.sh OUTPUT.cpio [PATH=SOURCE_FILE | PATH@TEXT | PATH/ | PATH->TARGET]...
# PATH=SOURCE copies a file (mode kept), PATH@TEXT writes TEXT and a newline,
# PATH/ makes an empty directory, PATH->TARGET a symbolic link to TARGET.
# Paths are inside the ramdisk.
set -eu
output="$1"
shift
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
for spec in "$@"; do
    case "$spec" in
        */) mkdir -p "$root/$spec" ;;
        *-\>*)
            path="${spec%%->*}"
            mkdir -p "$root/$(dirname "$path")"
            ln -s "${spec#*->}" "$root/$path" ;;
        *=*)
            path="${spec%%=*}"
            mkdir -p "$root/$(dirname "$path")"
            cp -p "${spec#*=}" "$root/$path" ;;
        *@*)
            path="${spec%%@*}"
            mkdir -p "$root/$(dirname "$path")"
            printf '%s\n' "${spec#*@}" > "$root/$path" ;;
        *) echo "make_ramdisk.sh: bad spec $spec" >&2; exit 2 ;;
    esac
done
(cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc) > "$output.tmp"
mv "$output.tmp" "$output"
