#!/bin/sh
# check_static.sh FILE... [--pie FILE...]: every FILE must be a static ELF
# executable (no PT_INTERP, no DT_NEEDED); ET_EXEC before --pie, ET_DYN
# (static-pie) after it.
want=EXEC
status=0
for file in "$@"; do
    if [ "$file" = --pie ]; then want=DYN; continue; fi
    headers="$(readelf -hlW "$file")" || { echo "FAIL $file: not readable as ELF"; status=1; continue; }
    type="$(printf '%s\n' "$headers" | sed -n 's/^ *Type: *\([A-Z]*\).*/\1/p')"
    if printf '%s\n' "$headers" | grep -q 'INTERP'; then
        echo "FAIL $file: has a program interpreter"; status=1
    elif readelf -dW "$file" | grep -q NEEDED; then
        echo "FAIL $file: needs shared libraries"; status=1
    elif [ "$type" != "$want" ]; then
        echo "FAIL $file: ELF type $type, expected $want"; status=1
    else
        echo "PASS $file: static, ELF type $type"
    fi
done
exit $status
