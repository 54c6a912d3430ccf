# bench/lib.sh: shared by the figure scripts of bench/ (sourced, not run).
#
# One bench lab (scripts/lab layout) in build/bench/lab with its own Wine
# prefix, a private Xvfb and a Wine virtual desktop (so the agent has a
# notification area for its balloon), and the agent started as at logon.
# The programs measured come from $CLIMON_BUILD (default build/mingw, the
# product build); the bench's own helpers (benchtool.exe, the stand-in
# CLI_NT.EXE, bench_parsers) are built into build/bench/tools-{mingw,native}
# with -DCLIMON_BENCH=ON, so the product build trees never see them.
#
# Every process started here is recorded by id in $RUN and stopped by id
# (env_down); the prefix's wineserver is stopped with `wineserver -k` for
# this prefix only.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CLIMON_BUILD=${CLIMON_BUILD:-$ROOT/build/mingw}
NATIVE_BUILD=${CLIMON_NATIVE_BUILD:-$ROOT/build/native}
BENCH=${CLIMON_BENCH_DIR:-$ROOT/build/bench}
LAB=$BENCH/lab
RUN=$BENCH/run
RESULTS=$BENCH/results.d     # one <figure>.tsv of "key value note" per figure
TOOLS_MINGW=$BENCH/tools-mingw
TOOLS_NATIVE=$BENCH/tools-native
LABCMD=$ROOT/scripts/lab
QUICK=${QUICK:-}
[ "$QUICK" = 0 ] && QUICK=""

export WINEPREFIX=$LAB/prefix WINEDEBUG=-all WINEDLLOVERRIDES='mscoree,mshtml='
C=$WINEPREFIX/drive_c
SHARE=$LAB/site/SMS_SHR
BDIR=$C/bench                     # C:\bench: records, outputs, state
CLIMON_LOG=$C/MS/SMS/LOGS/CLIMON.LOG
AGENT_WIN='C:\MS\SMS\BIN\CLIMON.EXE'
AGENT_EVENT=ClimonBenchSetupStarted

mkdir -p "$RUN" "$RESULTS"

say() { printf '\n== %s\n' "$*"; }
note() { printf '   %s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# Wine without its complaint about a missing wine32.
wineq() { wine "$@" 2> >(grep -v -e '^it looks like wine32' -e '^multiarch needs' -e '^execute "dpkg' -e '^apt-get install wine32' >&2); }

benchtool() { wineq "$TOOLS_MINGW/bench/benchtool.exe" "$@"; }

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# result KEY VALUE [NOTE...]: one figure's line in results.d/<script>.tsv:
# key, value, note, and the 1-minute load average when it was taken (the
# results.md writer shows it; a figure whose load went over 1 is marked
# LOADED on every row, see bench_finish).
RESULT_FILE=$RESULTS/$(basename "${0%.sh}").tsv
FIG=$(basename "$0"); FIG=${FIG%%-*}   # fig1-raw-to-setup -> fig1
result() {
    local k=$1 v=$2 l; shift 2
    l=$(cut -d' ' -f1 /proc/loadavg)
    printf '%s\t%s\t%s\t%s\n' "$k" "$v" "$*" "$l" >>"$RESULT_FILE"
    printf '   %-44s %s %s\n' "$k" "$v" "${*:+($*)}"
}
# result_p99 KEY N VALUE [NOTE...]: a p99 only from enough samples. With
# fewer than P99_MIN (a QUICK run, or a full run that lost passes) it is
# written as absent (null in results.json), with a note saying so.
P99_MIN=200
result_p99() {
    local k=$1 n=$2 v=$3; shift 3
    if [ "$n" -lt "$P99_MIN" ]; then
        result "$k" null "too few samples for a p99: n=$n, needs $P99_MIN (a full run has them)${*:+; $*}"
    else
        result "$k" "$v" "n=$n${*:+; $*}"
    fi
}
# ratio A B [DIGITS]: A / B, or null when either is absent or B is 0.
ratio() {
    awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN {
        if (a !~ /^-?[0-9.]+$/ || b !~ /^-?[0-9.]+$/ || b + 0 == 0) { print "null"; exit }
        printf "%.*f\n", d, a / b }'
}
# The load through a figure: sampled every 2 s from bench_begin to its end
# (bench_finish), so a figure is known as loaded even when the load rose
# and fell within it.
LOAD_SAMPLES=$RUN/load-$FIG.txt
load_sampler_start() {
    cut -d' ' -f1 /proc/loadavg >"$LOAD_SAMPLES"
    (while :; do sleep 2; cut -d' ' -f1 /proc/loadavg >>"$LOAD_SAMPLES"; done) >/dev/null 2>&1 &
    echo $! >"$RUN/load-$FIG.pid"
}
# bench_finish: the figure's <fig>_load_max_1min and <fig>_loaded (true when
# the 1-minute load average was over 1 at any sample of the figure).
bench_finish() {
    local p max
    p=$(cat "$RUN/load-$FIG.pid" 2>/dev/null) && kill "$p" 2>/dev/null
    rm -f "$RUN/load-$FIG.pid"
    if [ -f "$LOAD_SAMPLES" ]; then
        cut -d' ' -f1 /proc/loadavg >>"$LOAD_SAMPLES"
        max=$(sort -g "$LOAD_SAMPLES" | tail -1)
        result "${FIG}_load_max_1min" "$max" "highest 1-minute load average during figure ${FIG#fig} (sampled every 2 s)"
        result "${FIG}_loaded" "$(awk -v l="$max" 'BEGIN { print (l > 1 ? "true" : "false") }')" \
            "true: the load went over 1 during the figure; its rows are marked LOADED"
        rm -f "$LOAD_SAMPLES"
    fi
}
results_reset() { : >"$RESULT_FILE"; }

# Statistics over one number per line on stdin (nearest-rank percentiles).
stat_p() { # Q (0..1)
    sort -g | awk -v q="$1" '{ v[NR] = $1 } END {
        if (NR == 0) { print "nan"; exit }
        r = int(q * NR); if (r < q * NR) r++; if (r < 1) r = 1; printf "%.1f\n", v[r] }'
}
stat_mean() { awk '{ s += $1; n++ } END { if (n) printf "%.1f\n", s / n; else print "nan" }'; }
stat_max() { sort -g | tail -1; }
stat_count() { wc -l | tr -d ' '; }

# Client Setup's own run times (ms), one per run, from CLISETUP.LOG after
# line FROM: "Client Setup <version> for ..." to "Client Setup exits with".
setup_own_times() { # FROM
    local log=$C/MS/SMS/LOGS/CLISETUP.LOG
    [ -f "$log" ] || return 0
    tail -n +$(($1 + 1)) "$log" | awk '
        { if (!match($0, /<time="[0-9:.]+/)) next
          split(substr($0, RSTART + 7, RLENGTH - 7), t, ":"); s = t[1] * 3600 + t[2] * 60 + t[3] }
        /LOG\[Client Setup [^ ]+ for / { a = s; open = 1 }
        /LOG\[Client Setup exits with/ && open { printf "%.0f\n", (s - a) * 1000; open = 0 }'
}
setup_log_lines() { [ -f "$C/MS/SMS/LOGS/CLISETUP.LOG" ] && wc -l <"$C/MS/SMS/LOGS/CLISETUP.LOG" || echo 0; }

# ---- building the bench helpers ----

tools_build() {
    if [ -z "${BENCH_TOOLS_BUILT:-}" ]; then
        (cd "$ROOT" && cmake --preset mingw -B "$TOOLS_MINGW" -DCLIMON_BENCH=ON >/dev/null &&
            cmake --build "$TOOLS_MINGW" --target bench_tools -j2 >/dev/null) ||
            die "building the bench helpers for mingw failed (cmake --build $TOOLS_MINGW --target bench_tools)"
        (cd "$ROOT" && cmake --preset native -B "$TOOLS_NATIVE" -DCLIMON_BENCH=ON >/dev/null &&
            cmake --build "$TOOLS_NATIVE" --target bench_tools -j2 >/dev/null) ||
            die "building bench_parsers failed (cmake --build $TOOLS_NATIVE --target bench_tools)"
        export BENCH_TOOLS_BUILT=1
    fi
}

# ---- the lab ----

lab_up() {
    [ -f "$RUN/lab.ready" ] && return 0
    for f in climon/climon.exe site/clisetup.exe site/ccm.exe; do
        [ -f "$CLIMON_BUILD/src/$f" ] || die "$CLIMON_BUILD/src/$f is missing: build the mingw preset first"
    done
    tools_build
    # The prefix is kept between runs (wineboot costs a minute); everything
    # in it that a run writes is laid out again.
    if [ -f "$WINEPREFIX/system.reg" ]; then
        wineserver -k 2>/dev/null || true
        wineq reg delete 'HKLM\SOFTWARE\Microsoft\SMS\Client Services' /f >/dev/null 2>&1 || true
        wineq reg delete 'HKLM\SOFTWARE\ClimonBench' /f >/dev/null 2>&1 || true
        rm -rf "$LAB/site" "$C/MS" "$C/SMS.INI" "$C/bench" "$C/BENCHCLI"
    fi
    "$LABCMD" init "$LAB" >"$BENCH/lab-init.log" 2>&1 || die "scripts/lab init failed: see $BENCH/lab-init.log"
    # Log big enough that a long run never rolls CLIMON.LOG (policy LogMaxKB).
    wineq reg add 'HKLM\SOFTWARE\Policies\Climon' /v LogMaxKB /t REG_DWORD /d 65536 /f >/dev/null
    # The figures measure the reaction to a change: the first pass at once.
    wineq reg add 'HKLM\SOFTWARE\Policies\Climon' /v StartupJitterMinutes /t REG_DWORD /d 0 /f >/dev/null
    mkdir -p "$BDIR/state"
    cp -a "$SHARE" "$LAB/site/PRISTINE"
    cp -f "$CLIMON_BUILD/src/climon/climon.exe" "$C/MS/SMS/BIN/CLIMON.EXE"
    touch "$RUN/lab.ready"
}

# The share's CLI_NT.EXE: "fake" (the recording stand-in) or "real" (clisetup.exe).
publish_setup() {
    local src
    case $1 in
    fake) src=$TOOLS_MINGW/bench/bench_fake_setup.exe ;;
    real) src=$CLIMON_BUILD/src/site/clisetup.exe ;;
    esac
    cp -f "$src" "$SHARE/X86.BIN/CLI_NT.EXE.bench" && mv -f "$SHARE/X86.BIN/CLI_NT.EXE.bench" "$SHARE/X86.BIN/CLI_NT.EXE"
}

# ---- the desktop ----

desktop_up() {
    local n pid
    if [ -f "$RUN/display" ] && xdpyinfo -display "$(cat "$RUN/display")" >/dev/null 2>&1; then
        export DISPLAY=$(cat "$RUN/display")
        return 0
    fi
    for n in $(seq 150 199); do
        [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] || break
    done
    Xvfb ":$n" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
    echo $! >"$RUN/xvfb.pid"
    export DISPLAY=":$n"
    for _ in $(seq 50); do xdpyinfo -display "$DISPLAY" >/dev/null 2>&1 && break; sleep 0.2; done
    xdpyinfo -display "$DISPLAY" >/dev/null 2>&1 || die "Xvfb :$n did not start"
    echo "$DISPLAY" >"$RUN/display"
    wineq reg add 'HKCU\Software\Wine\Explorer' /v Desktop /d bench /f >/dev/null 2>&1
    wineq reg add 'HKCU\Software\Wine\Explorer\Desktops' /v bench /d 1024x768 /f >/dev/null 2>&1
    wineq explorer /desktop=bench,1024x768 >/dev/null 2>&1 &
    echo $! >"$RUN/desktop.pid"
    sleep 3
}

# ---- the agent ----

# The Linux process running C:\MS\SMS\BIN\CLIMON.EXE in this prefix.
agent_unix_pid() {
    local p
    for p in /proc/[0-9]*; do
        tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qi 'MS.SMS.BIN.CLIMON.EXE' || continue
        tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qx "WINEPREFIX=$WINEPREFIX" || continue
        tr '\0' ' ' <"$p/cmdline" | grep -qi -e '/quit' -e '/check' && continue
        echo "${p#/proc/}"
        return 0
    done
    return 1
}

log_lines() { [ -f "$CLIMON_LOG" ] && wc -l <"$CLIMON_LOG" || echo 0; }

# agent_start [WINEDEBUG]: the agent as at logon, with the bench's record
# file and event in its environment (Client Setup inherits them).
agent_start() {
    local debug=${1:--all} from i upid
    desktop_up
    from=$(log_lines)
    rm -f "$RUN/agent.pid"
    CLIMON_BENCH_RECORD='C:\bench\setup-record.txt' CLIMON_BENCH_EVENT=$AGENT_EVENT WINEDEBUG=$debug \
        wine "$AGENT_WIN" '/smsini:C:\SMS.INI' '/statedir:C:\bench\state' \
        '/restart-hook:C:\bench\restart-hook.txt' >"$BENCH/agent.out" 2>"$BENCH/agent.err" &
    echo $! >"$RUN/agent-launcher.pid"
    # Started when it logged its first pass's report; then let it settle.
    for i in $(seq 300); do
        tail -n +$((from + 1)) "$CLIMON_LOG" 2>/dev/null | grep -q 'manager reports\|reading the manager' && break
        sleep 0.1
    done
    sleep 2
    upid=$(agent_unix_pid) || die "the agent did not start (see $BENCH/agent.out, $CLIMON_LOG)"
    echo "$upid" >"$RUN/agent.pid"
    AGENT_WINPID=$(tail -n +$((from + 1)) "$CLIMON_LOG" | sed -n 's/.*tray agent starting (process \([0-9]*\)).*/\1/p' | tail -1)
    echo "$AGENT_WINPID" >"$RUN/agent.winpid"
}

agent_pid() { cat "$RUN/agent.pid" 2>/dev/null; }
agent_winpid() { cat "$RUN/agent.winpid" 2>/dev/null; }

agent_running() { local p; p=$(agent_pid) && [ -n "$p" ] && [ -d "/proc/$p" ]; }

agent_stop() {
    local p i
    p=$(agent_pid) || return 0
    [ -n "$p" ] && [ -d "/proc/$p" ] || { rm -f "$RUN/agent.pid"; return 0; }
    wineq "$AGENT_WIN" /quit >/dev/null 2>&1 || true
    for i in $(seq 100); do [ -d "/proc/$p" ] || break; sleep 0.1; done
    if [ -d "/proc/$p" ]; then kill "$p" 2>/dev/null || true; fi
    rm -f "$RUN/agent.pid" "$RUN/agent.winpid"
}

# The host's steal time so far (ms, all CPUs): what this VM was ready to
# run but was not given, the load a load average does not show.
steal_ms() { awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" { print $9 * 1000 / hz; exit }' /proc/stat; }
# CPU time of a Linux process in ms: utime+stime from /proc/PID/stat
# (clock ticks), and the sum of its threads' run time from
# /proc/PID/task/*/schedstat (ns, finer), and its context switches.
proc_cpu_ticks_ms() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) * 1000 / hz }' "/proc/$1/stat"; }
proc_sched_ms() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.3f\n", s / 1e6 }'; }
proc_ctxsw() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^voluntary_ctxt_switches|^nonvoluntary_ctxt_switches/ { s += $2 } END { print s + 0 }'; }
proc_threads() { ls /proc/"$1"/task | wc -l; }
# The wineserver of this prefix (other prefixes have their own). It works
# in its server folder, server-<device>-<inode of the prefix> (hex): its
# environment is not enough, since a server of an earlier prefix at the
# same path (removed and made again) has the same WINEPREFIX and may be
# found first, then exit in the middle of a measurement.
prefix_wineserver_pid() {
    local p want
    want=server-$(stat -c %D "$WINEPREFIX")-$(printf %x "$(stat -c %i "$WINEPREFIX")") || return 1
    for p in $(pgrep -x wineserver64; pgrep -x wineserver); do
        [ "$(basename "$(readlink "/proc/$p/cwd" 2>/dev/null)")" = "$want" ] && { echo "$p"; return 0; }
    done
    return 1
}

# ---- the manager's clients (figure 6, bench/count-requests) ----

# S:\BENCH_SHR, a copy of the lab's share, and C:\BENCHCLI, the clients:
# in a RAM disk (/dev/shm) linked from those Wine paths, unless FIG6_RAM=0
# or there is none. This machine's disk is ext4 without a journal, whose
# inode allocator reads every inode freed in the last 30 s (5 min while
# its block is dirty) before it takes a free one, and a request frees three
# and makes two; on it even the floor takes over 1 ms a request
# (docs/performance.md, the sixth round). Figure 6 measures the disk too.
B=$LAB/site/BENCH_SHR
RAMDIR=/dev/shm/climon-bench-fig6
PLACE=disk
if [ "${FIG6_RAM:-1}" != 0 ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
    PLACE=ram
fi
# The CPUs figure 6 runs the manager and its floor on: one (the default,
# when taskset is there and the machine has more than one) or two
# (FIG6_CPUS=two: wherever the scheduler puts them). Under Wine every file
# and registry call is a round trip to the wineserver, and on this VM one
# that crosses between CPUs wakes a halted virtual CPU with an interrupt:
# 48 to 60 µs a round trip against 4.6 on one CPU (docs/performance.md,
# the seventh round), which is the hypervisor's cost, not the program's.
# With CPUS=one, pin_server puts the prefix's wineserver on PIN_CPU and
# PIN (an array) runs a program there.
CPUS=two
PIN_CPU=""
PIN=()
if [ "${FIG6_CPUS:-one}" = one ] && command -v taskset >/dev/null && [ "$(nproc)" -gt 1 ]; then
    CPUS=one
    PIN_CPU=$(($(nproc) - 1))
fi
cpus_set() { # one|two
    CPUS=$1
    if [ "$CPUS" = one ]; then PIN=(taskset -c "$PIN_CPU"); else PIN=(); fi
}
cpus_set "$CPUS"
cpus_said() { [ "$CPUS" = one ] && echo "one CPU (the wineserver's and the program's: CPU $PIN_CPU)" || echo "two CPUs"; }
# A wineserver for the prefix that stays up until env_down kills it, so
# that every timed program talks to the one pin_server found and pinned:
# with nothing else running (the agent stopped, and the desktop with it) a
# server lives 3 s after its last client, and a pass that started in that
# third second met a server on its way out and started another.
server_hold() {
    timeout 20 wineserver -w 2>/dev/null || true
    prefix_wineserver_pid >/dev/null || wineserver -p </dev/null >/dev/null 2>&1 || true
    for _ in $(seq 50); do prefix_wineserver_pid >/dev/null && return 0; sleep 0.1; done
    note "the prefix's wineserver could not be held"
}
# The prefix's wineserver (held, server_hold, when it is not up) on PIN_CPU
# with CPUS=one, on every CPU otherwise; its pid in PIN_WS.
pin_server() {
    PIN_WS=$(prefix_wineserver_pid) || { server_hold; PIN_WS=$(prefix_wineserver_pid) || PIN_WS=""; }
    [ -n "$PIN_WS" ] || return 0
    if [ "$CPUS" = one ]; then
        taskset -a -p -c "$PIN_CPU" "$PIN_WS" >/dev/null || note "the wineserver $PIN_WS could not be put on CPU $PIN_CPU"
    else
        unpin_server
    fi
}
unpin_server() {
    local ws
    ws=$(prefix_wineserver_pid) || return 0
    taskset -a -p -c "0-$(($(nproc) - 1))" "$ws" >/dev/null 2>&1 || true
}
clients_drop() {
    benchtool rmclients >/dev/null 2>&1 || true
    rm -rf "$B" "$C/BENCHCLI"
    [ "$PLACE" = ram ] && rm -rf "$RAMDIR"
    return 0
}
# N clients and their queued requests (benchtool mkclients), in $PLACE:
# the lab's own folders (disk) or the RAM disk the share and the client
# root link to (ram): the same Wine paths either way.
clients_make() { # N
    clients_drop
    if [ "$PLACE" = ram ]; then
        mkdir -p "$RAMDIR/share" "$RAMDIR/clients"
        cp -a "$LAB/site/PRISTINE/." "$RAMDIR/share/"
        ln -s "$RAMDIR/share" "$B"
        ln -s "$RAMDIR/clients" "$C/BENCHCLI"
    else
        cp -a "$LAB/site/PRISTINE" "$B"
    fi
    rm -f "$B"/CLIENTS/* "$B"/CCR.BOX/*.CCR "$B"/LOGS/*
    benchtool mkclients --n="$1" '--share=S:\BENCH_SHR' '--root=C:\BENCHCLI' '--stale=INV32CLI=1.1.9' | tr -d '\r'
}
# ---- up and down ----

env_up() {
    lab_up
    desktop_up
    agent_running || agent_start
}

env_down() {
    local f p
    agent_stop || true
    for f in agent-launcher desktop; do
        p=$(cat "$RUN/$f.pid" 2>/dev/null) && kill "$p" 2>/dev/null || true
        rm -f "$RUN/$f.pid"
    done
    timeout 30 wineserver -k 2>/dev/null || true
    p=$(cat "$RUN/xvfb.pid" 2>/dev/null) && kill "$p" 2>/dev/null || true
    rm -f "$RUN/xvfb.pid" "$RUN/display" "$RUN/lab.ready"
}

# A figure script run on its own brings the lab up and takes it down again;
# under bench/run-all (BENCH_KEEP=1) the lab stays for the next figure.
bench_begin() {
    results_reset
    load_sampler_start
    if [ -z "${BENCH_KEEP:-}" ]; then
        trap 'bench_finish; env_down' EXIT
    else
        trap 'bench_finish' EXIT
    fi
}
