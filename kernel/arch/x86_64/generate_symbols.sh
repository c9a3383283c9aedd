#!/bin/sh
# Writes an assembly file holding the kernel's text symbols, sorted by
# address, from a linked kernel: generate_symbols.sh NM ELF OUTPUT.S
# The second link includes it; the table lives after .data, so the text
# addresses it lists do not move between the two links.
set -eu
nm="$1" elf="$2" output="$3"
"$nm" -n -C --defined-only "$elf" | awk '
    BEGIN { count = 0; offset = 0 }
    $2 ~ /^[tTwW]$/ {
        address = $1
        name = $0
        sub(/^[^ ]+ [^ ]+ /, "", name)
        # The offset counts the bytes the assembler will emit, so it is
        # taken before escaping.
        offsets[count] = offset
        offset += length(name) + 1
        gsub(/\\/, "\\\\", name)
        gsub(/"/, "\\\"", name)
        addresses[count] = address
        names[count] = name
        count++
    }
    END {
        print ".section .kernel_symbols, \"a\""
        print ".balign 8"
        print ".global kernel_symbol_count"
        print "kernel_symbol_count: .quad " count + 0
        print ".global kernel_symbols"
        print "kernel_symbols:"
        for (i = 0; i < count; i++) printf "    .quad 0x%s, %d\n", addresses[i], offsets[i]
        print ".global kernel_symbol_names"
        print "kernel_symbol_names:"
        for (i = 0; i < count; i++) printf "    .asciz \"%s\"\n", names[i]
    }' > "$output.tmp"
mv "$output.tmp" "$output"
