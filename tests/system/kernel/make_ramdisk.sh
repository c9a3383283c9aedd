#!/bin/sh
# Builds a cpio (newc) ramdisk for the kernel's system tests with the
# project's packer (image/mkramdisk), from short specs:
#   make_ramdisk.sh MKRAMDISK OUTPUT.cpio [PATH=SOURCE_FILE | PATH@TEXT | PATH/ | PATH->TARGET]...
# PATH=SOURCE copies a file (mode kept), PATH@TEXT writes TEXT and a newline,
# PATH/ makes an empty directory, PATH->TARGET a symbolic link to TARGET.
# Paths are inside the ramdisk. The specs become an mkramdisk manifest
# (docs/formats/ramdisk.md).
set -eu
mkramdisk="$1"
output="$2"
shift 2
manifest="$(mktemp)"
trap 'rm -f "$manifest"' EXIT
for spec in "$@"; do
    case "$spec" in
        */) printf 'dir /%s\n' "${spec%/}" ;;
        *-\>*) printf 'symlink /%s %s\n' "${spec%%->*}" "${spec#*->}" ;;
        *=*) printf 'file /%s %s\n' "${spec%%=*}" "${spec#*=}" ;;
        *@*)
            # The manifest's text lines take \ escapes: double real backslashes.
            text="$(printf '%s' "${spec#*@}" | sed 's/\\/\\\\/g')"
            printf 'text /%s %s\\n\n' "${spec%%@*}" "$text" ;;
        *) printf 'make_ramdisk.sh: bad spec %s\n' "$spec" >&2; exit 2 ;;
    esac
done >> "$manifest"
"$mkramdisk" -o "$output" --manifest "$manifest"
