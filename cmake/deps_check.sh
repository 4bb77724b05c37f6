#!/usr/bin/env bash
# deps_check (label unit): every external header the code includes and every tool the tests
# run must come from a Debian package that scripts/deps.sh installs, or from a package those
# depend on. A package installed by hand on a developer's machine and missing from deps.sh
# fails here, naming the header (or tool) and the package, instead of failing on a fresh one.
#   deps_check.sh SOURCE_DIR BUILD_DIR [DEPS_SH]
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
deps_sh=${3:-$src/scripts/deps.sh}
# The commands the tests, benchmarks and scripts run.
TOOLS=(cmake ninja ccache pkg-config git clang-format g++ sqlite3 baresip sipp kamailio sox
  espeak-ng flite chromium node npm ip curl unzip)

fail=0
err() {
  echo "deps_check: $*" >&2
  fail=1
}

# 1. What deps.sh installs, closed over Depends and Pre-Depends (alternatives and virtual
#    packages resolve to whatever is installed).
mapfile -t listed < <(bash "$deps_sh" --list)
[ ${#listed[@]} -gt 0 ] || {
  echo "deps_check: $deps_sh --list printed nothing" >&2
  exit 1
}
closure=$(dpkg-query -W -f='${Status}\t${Package}\t${Provides}\t${Depends}, ${Pre-Depends}\n' |
  awk -F'\t' -v roots="${listed[*]}" '
    $1 != "install ok installed" { next }
    {
      pkg = $2; installed[pkg] = 1
      n = split($3, pv, ","); for (i = 1; i <= n; i++) { p = pv[i]; sub(/^ +/, "", p); sub(/ .*/, "", p); if (p != "") provider[p] = provider[p] " " pkg }
      deps[pkg] = $4
    }
    END {
      n = split(roots, r, " ")
      for (i = 1; i <= n; i++) { queue[++qn] = r[i] }
      while (qh < qn) {
        name = queue[++qh]; sub(/:.*/, "", name)
        if (name in seen) continue
        seen[name] = 1
        cands = ""
        if (name in installed) cands = name
        if (name in provider) cands = cands provider[name]
        m = split(cands, cs, " ")
        for (j = 1; j <= m; j++) {
          c = cs[j]; if (c == "" || (c in done)) continue
          done[c] = 1; print c
          k = split(deps[c], ds, /[,|]/)
          for (l = 1; l <= k; l++) { d = ds[l]; gsub(/\([^)]*\)/, "", d); gsub(/ /, "", d); sub(/:.*/, "", d); if (d != "") queue[++qn] = d }
        }
      }
    }')
in_closure() { grep -qxF "$1" <<<"$closure"; }
for p in "${listed[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    command -v "$p" >/dev/null 2>&1 || err "$p is listed in deps.sh but not installed here"
done

# 2. External headers: every #include <...> of src/, tests/, bench/ (and fuzz/, tools/),
#    resolved through the compiler's and the build's include paths.
dirs=()
while read -r d; do dirs+=("$d"); done < <(g++ -E -x c++ -std=c++20 - -v </dev/null 2>&1 |
  sed -n '/#include <...> search starts here:/,/End of search list./p' | sed '1d;$d;s/^ *//')
if [ -f "$build/compile_commands.json" ]; then
  while read -r d; do dirs+=("$d"); done < <(grep -oE '(-I|-isystem )[^ "]+' \
    "$build/compile_commands.json" | sed -E 's/^(-I|-isystem )//' | sort -u)
fi
mapfile -t headers < <(cd "$src" && grep -rhoE '^\s*#\s*include\s*<[^>]+>' \
  $(ls -d src tests bench fuzz tools 2>/dev/null) | sed -E 's/.*<([^>]+)>.*/\1/' | sort -u)
paths=()
declare -A header_of
for h in "${headers[@]}"; do
  found=""
  for d in "${dirs[@]}"; do
    [ -f "$d/$h" ] && {
      found=$(realpath -s "$d/$h")
      break
    }
  done
  # A build configured without a layer (the sanitizer build has -DKIRA_VOICE=OFF) lacks that
  # layer's include paths; its headers sit one directory down in the system include dirs.
  if [ -z "$found" ]; then
    for d in /usr/include/*/ /usr/local/include/*/; do
      [ -f "$d$h" ] && {
        found=$(realpath -s "$d$h")
        break
      }
    done
  fi
  if [ -z "$found" ]; then
    err "<$h> is included but no installed package ships it (add its package to scripts/deps.sh)"
    continue
  fi
  case "$found" in "$src"/* | "$build"/*) continue ;; esac
  paths+=("$found")
  header_of[$found]=$h
done
# Tools the tests and scripts run.
tool_paths=()
declare -A tool_of
for t in "${TOOLS[@]}"; do
  exe=$(command -v "$t" 2>/dev/null) || {
    err "the tool $t is not installed (add its package to scripts/deps.sh)"
    continue
  }
  tool_paths+=("$exe")
  tool_of[$exe]=$t
done

# One dpkg -S for every path, under each name it may be packaged as (merged /usr: /usr/sbin/ip
# is shipped as /sbin/ip; a symlink's target).
declare -A owner
variants() {
  local r
  r=$(realpath "$1")
  printf '%s\n' "$1" "$r" "${1#/usr}" "${r#/usr}"
}
mapfile -t queries < <(for p in "${paths[@]}" "${tool_paths[@]}"; do variants "$p"; done | sort -u)
while IFS= read -r line; do
  pkg=${line%%: *}
  path=${line#*: }
  pkg=${pkg%%,*}
  owner[$path]=${pkg%%:*}
done < <(dpkg -S "${queries[@]}" 2>/dev/null || true)
owner_of() {
  local v
  while read -r v; do
    [ -n "${owner[$v]:-}" ] && {
      echo "${owner[$v]}"
      return
    }
  done < <(variants "$1")
  echo ""
}
checked=0
for p in "${paths[@]}"; do
  pkg=$(owner_of "$p")
  checked=$((checked + 1))
  if [ -z "$pkg" ]; then
    err "<${header_of[$p]}> ($p) belongs to no Debian package: it was installed by hand"
  elif ! in_closure "$pkg"; then
    err "<${header_of[$p]}> comes from the Debian package $pkg, which scripts/deps.sh does not install"
  fi
done
for exe in "${tool_paths[@]}"; do
  t=${tool_of[$exe]}
  pkg=$(owner_of "$exe")
  if [ -z "$pkg" ]; then
    err "the tool $t ($exe) belongs to no Debian package: it was installed by hand"
  elif ! in_closure "$pkg"; then
    err "the tool $t comes from the Debian package $pkg, which scripts/deps.sh does not install"
  fi
done

if [ $fail = 0 ]; then
  echo "deps_check: ${#headers[@]} headers (${checked} external) and ${#TOOLS[@]} tools come from" \
    "the ${#listed[@]} packages of scripts/deps.sh"
fi
exit $fail
