# cells.awk - read the text of Yosys `stat` for a hierarchical design (one "=== MODULE ==="
# section per module, then "=== design hierarchy ===" with the instance tree and the totals)
# and print one line per fact, for rtl/synth/resources.sh:
#
#   total CELLTYPE COUNT                    cells of the whole design (instances multiplied out)
#   module NAME INSTANCES CELLTYPE COUNT    cells of one module, and how often it is instantiated
#
# The instance tree lists each child under its parent, indented two more spaces per level,
# with its number of instances in that parent; a module's instance count in the design is the
# sum over its places in the tree of the product of the counts on the path from the top.
# (A module's own section also lists its submodule instances as "cells"; they pass through.)

function indent_of(line) {
    match(line, /^ */)
    return RLENGTH
}

/^=== design hierarchy ===/ { section = "hier"; next }
/^=== .* ===$/ { section = "module"; name = $2; next }

section == "module" && NF == 2 && $2 ~ /^[0-9]+$/ {
    cells[name, $1] = $2
    next
}

# The totals of the hierarchy section start with its "Number of wires" line.
section == "hier" && /Number of/ { in_totals = 1; next }

section == "hier" && NF == 2 && $2 ~ /^[0-9]+$/ {
    if (in_totals) {
        total[$1] = $2
        next
    }
    level = indent_of($0)
    while (sp > 0 && stack_level[sp] >= level) { sp-- }
    parent = (sp > 0) ? stack_mult[sp] : 1
    sp++
    stack_level[sp] = level
    stack_mult[sp] = parent * $2
    inst[$1] += parent * $2
    next
}

END {
    for (t in total) { print "total", t, total[t] }
    for (key in cells) {
        split(key, k, SUBSEP)
        print "module", k[1], ((k[1] in inst) ? inst[k[1]] : 0), k[2], cells[key]
    }
}
