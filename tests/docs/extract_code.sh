#!/usr/bin/env bash
# Writes every code block of a Markdown file that is fenced as
#   ```cpp file=NAME
# to OUTDIR/NAME, so the examples in docs/ are compiled and tested as they
# are printed (docs/strategies.md: a strategy and its test).
#   extract_code.sh DOC.md OUTDIR
set -euo pipefail
doc=${1:?usage: extract_code.sh DOC.md OUTDIR}
out=${2:?usage: extract_code.sh DOC.md OUTDIR}
mkdir -p "$out"
awk -v out="$out" '
  /^```cpp file=/ { name = substr($0, index($0, "=") + 1); file = out "/" name
                    printf "" > file; next }
  /^```/ && file != "" { close(file); file = ""; n++; next }
  file != "" { print >> file }
  END { if (n == 0) { print "no code blocks with file= found" > "/dev/stderr"
                      exit 1 } }
' "$doc"
