#!/usr/bin/env bash
# Checks that every *.h / *.cc file under core/ sim/ faults/ reports/ is
# formatted according to .clang-format. Exits 1 and lists the offending files
# otherwise. Fix with:  clang-format -i <files>
#
# Override the binary with CLANG_FORMAT=/path/to/clang-format. The style is
# pinned to clang-format 14 (Debian 12); other versions may disagree.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CLANG_FORMAT="${CLANG_FORMAT:-clang-format}"
DIRS=(core sim faults reports)

if ! command -v "$CLANG_FORMAT" >/dev/null 2>&1; then
  echo "check-format: ERROR: '$CLANG_FORMAT' not found in PATH." >&2
  echo "check-format: install it (apt-get install clang-format) or run scripts/setup.sh." >&2
  exit 1
fi

version_line="$("$CLANG_FORMAT" --version 2>/dev/null || true)"
if [[ ! "$version_line" =~ version\ 14\. ]]; then
  echo "check-format: warning: expected clang-format 14, got: ${version_line:-unknown}" >&2
fi

files=()
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Tracked + untracked-but-not-ignored files.
  while IFS= read -r -d '' f; do
    files+=("$f")
  done < <(git ls-files -z --cached --others --exclude-standard -- "${DIRS[@]}")
else
  existing=()
  for d in "${DIRS[@]}"; do
    [[ -d "$d" ]] && existing+=("$d")
  done
  if ((${#existing[@]})); then
    while IFS= read -r -d '' f; do
      files+=("$f")
    done < <(find "${existing[@]}" -type d -name out -prune -o -type f -print0)
  fi
fi

targets=()
for f in "${files[@]+"${files[@]}"}"; do
  case "$f" in
    *.h | *.cc) [[ -f "$f" ]] && targets+=("$f") ;;  # skip deleted-but-tracked
  esac
done

if ((${#targets[@]} == 0)); then
  echo "check-format: no *.h/*.cc files under ${DIRS[*]}; nothing to check."
  exit 0
fi

bad=()
for f in "${targets[@]}"; do
  if ! "$CLANG_FORMAT" --style=file --dry-run -Werror "$f" >/dev/null 2>&1; then
    bad+=("$f")
  fi
done

if ((${#bad[@]})); then
  echo "check-format: ${#bad[@]} of ${#targets[@]} file(s) are not clang-format clean:" >&2
  printf '  %s\n' "${bad[@]}" >&2
  echo "check-format: fix with: $CLANG_FORMAT -i ${bad[*]}" >&2
  echo "check-format: first diagnostics for ${bad[0]}:" >&2
  "$CLANG_FORMAT" --style=file --dry-run -Werror "${bad[0]}" 2>&1 | head -n 20 >&2 || true
  exit 1
fi

echo "check-format: ${#targets[@]} file(s) OK."
