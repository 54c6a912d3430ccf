#!/usr/bin/env bash
# vcxproj-sync.sh: agent.sln and the .vcxproj files are kept by hand beside
# CMake; this fails when they drift:
#   - a .c under src/ or tests/core/ that no .vcxproj compiles,
#   - a file a .vcxproj names that does not exist,
#   - a .vcxproj missing from agent.sln, or agent.sln naming a missing one.
#   vcxproj-sync.sh [ROOT]          check ROOT (default: the repo)
#   vcxproj-sync.sh --selftest      prove it catches an unlisted .c
set -u
if [ "${1:-}" = --selftest ]; then
    here=$(cd "$(dirname "$0")/../.." && pwd)
    tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
    (cd "$here" && find . -path ./build -prune -o \( -name '*.vcxproj' -o -name '*.sln' -o -name '*.c' -o -name '*.h' -o -name '*.rc' -o -name '*.rc2' \) -print | xargs cp --parents -t "$tmp")
    bash "$0" "$tmp" >/dev/null || { echo "not ok - selftest: the copy of the tree should pass"; exit 1; }
    echo '/* unlisted */' >"$tmp/src/core/unlisted_module.c"
    if bash "$0" "$tmp" >"$tmp/out"; then
        echo "not ok - selftest: an unlisted src/core/unlisted_module.c was not caught"; exit 1
    fi
    grep -q 'unlisted_module.c' "$tmp/out" || { echo "not ok - selftest: message does not name the file"; exit 1; }
    rm "$tmp/src/core/unlisted_module.c"
    sed -i 's/core\\core.vcxproj/core\\nope.vcxproj/' "$tmp/agent.sln"
    if bash "$0" "$tmp" >/dev/null; then echo "not ok - selftest: a wrong agent.sln entry was not caught"; exit 1; fi
    echo "ok - selftest"; echo "1 passed, 0 failed"; exit 0
fi

root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root" || exit 2
fail=0
listed=$(mktemp); trap 'rm -f "$listed"' EXIT

projects=$(find . -path ./build -prune -o -name '*.vcxproj' -print | sed 's|^\./||' | sort)
for p in $projects; do
    d=$(dirname "$p")
    # Every Include of a compiled, included or resource item, resolved.
    grep -oE '<(ClCompile|ClInclude|ResourceCompile|None) Include="[^"]+"' "$p" | sed 's/.*Include="//; s/"$//' |
    while IFS= read -r inc; do
        f=$(realpath -m --relative-to=. "$d/${inc//\\//}")
        if [ -e "$f" ]; then echo "$f" >>"$listed"; else echo "MISSING FILE: $p names $inc ($f)"; echo x >>"$listed.bad"; fi
    done
done
[ -f "$listed.bad" ] && { fail=1; rm -f "$listed.bad"; }

for c in $(find src tests/core -name '*.c' 2>/dev/null | sort); do
    grep -qxF "$c" "$listed" || { echo "NOT IN ANY .vcxproj: $c"; fail=1; }
done

if [ ! -f agent.sln ]; then echo "agent.sln missing"; fail=1; else
    sln=$(grep -oE '"[^"]+\.vcxproj"' agent.sln | tr -d '"' | tr '\\' '/' | sort)
    for p in $projects; do grep -qxF "$p" <<<"$sln" || { echo "NOT IN agent.sln: $p (run scripts/gen-sln)"; fail=1; }; done
    for s in $sln; do [ -f "$s" ] || { echo "agent.sln NAMES MISSING PROJECT: $s"; fail=1; }; done
fi

if [ $fail = 0 ]; then echo "ok - Visual Studio projects match the tree"; echo "1 passed, 0 failed"; else echo "1 failed"; fi
exit $fail
