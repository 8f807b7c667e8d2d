# cli_lib.sh - shared by the tests/test_*.sh scripts (sourced, not run): a scratch folder,
# pass/fail counting, and `expect`, which checks a command's exit status and output.
CLI=${ODPU_CLI:-build/opendpu}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect STATUS PATTERN -- CMD...: exit status and an extended regex in stdout+stderr.
expect() {
  local want=$1 pattern=$2
  shift 3
  local out status
  out=$("$@" 2>&1); status=$?
  if [ "$status" -ne "$want" ]; then
    bad "'$*' exited $status, expected $want; output: $(echo "$out" | head -5)"
  elif ! grep -qE -- "$pattern" <<<"$out"; then
    bad "'$*' output lacks /$pattern/: $(echo "$out" | head -5)"
  else
    ok
  fi
}

# finish NAME: the closing line the CI reads ("NAME: N passed, N failed"), and the status.
finish() {
  echo "$1: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
