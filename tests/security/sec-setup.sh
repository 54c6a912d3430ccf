#!/usr/bin/env bash
# sec-setup.sh: Client Setup cannot be hijacked through a path with spaces,
# and starts without a shell.
#
# The share lies under "site root/SMS SHR", so an unquoted command line
# "Z:\...\site root\SMS SHR\X86.BIN\CLI_NT.EXE" would let CreateProcess run
# "Z:\...\site" or "Z:\...\site.exe" or "Z:\...\site root\SMS.exe" first.
# All of them are planted (copies of the recorder, which logs its own path
# and its parent's image name). The agent runs /check with versions that
# differ, so it must start Client Setup; the real one must run, with
# climon.exe as its parent (no cmd.exe between), /p: as one quoted
# argument, and no planted program may run.
#   sec-setup.sh <mingw build dir> <work dir> default|switch
#     default  the agent's own command, "<share>\X86.BIN\CLI_NT.EXE" /p:<share>
#     switch   an admin's unquoted /setup: command (as the SetupCommand policy
#              could hold it): refused or run right, never the planted one
set -u
BUILD=$1 WORK=$2 CASE=$3
. "$(dirname "$0")/sec-lib.sh"

rm -rf "$WORK" && mkdir -p "$WORK"
C=$WORK/client S="$WORK/site root/SMS SHR"
layout "$C" "$S"
for plant in "$WORK/site" "$WORK/site.exe" "$WORK/site root/SMS" "$WORK/site root/SMS.exe"; do
    cp "$RECORDER" "$plant"
done
export CLIMON_RECORD
CLIMON_RECORD=$(winp "$WORK/ran.txt")

case $CASE in
default) agent_check "$C" "$S" ;;
switch) agent_check "$C" "$S" "/setup:$(winp "$S")\\X86.BIN\\CLI_NT.EXE /p:$(winp "$S")" ;;
*) echo "usage: sec-setup.sh <build> <work> default|switch" >&2; exit 64 ;;
esac
touch "$WORK/ran.txt"
real=$(winp "$S")'\X86.BIN\CLI_NT.EXE'

if grep -q -F -e "ran=$(winp "$WORK")\\site parent=" -e "ran=$(winp "$WORK")\\site.exe parent=" \
    -e "ran=$(winp "$WORK/site root")\\SMS parent=" -e "ran=$(winp "$WORK/site root")\\SMS.exe parent=" \
    "$WORK/ran.txt"; then
    not_ok "$CASE: a planted program ran instead of Client Setup"
    sed 's/^/#   /' "$WORK/ran.txt"
else
    ok "$CASE: no planted program ran"
fi

if [ "$CASE" = default ]; then
    if grep -q -F "ran=$real parent=" "$WORK/ran.txt"; then ok "default: the real CLI_NT.EXE ran"
    else not_ok "default: the real CLI_NT.EXE did not run"; sed 's/^/#   /' "$WORK/out.txt" "$WORK/ran.txt"; fi
    grep -qx 'setup_exit=0' "$WORK/out.txt" && ok "default: setup_exit=0 reported" ||
        not_ok "default: setup_exit not 0: $(grep setup_exit "$WORK/out.txt")"
    if grep -q -F "/p:\"$(winp "$S")\"" "$WORK/ran.txt"; then ok "default: /p: passed as one quoted argument"
    else not_ok "default: /p: not quoted whole"; sed 's/^/#   /' "$WORK/ran.txt"; fi
else
    # Either refused (not started, said so) or the real program: both safe.
    if grep -qx 'setup_exit=not-started' "$WORK/out.txt" || grep -q -F "ran=$real parent=" "$WORK/ran.txt"; then
        ok "switch: refused or the real program ran ($(grep setup_exit "$WORK/out.txt"))"
    else
        not_ok "switch: neither refused nor the real program: $(grep setup_exit "$WORK/out.txt")"
    fi
fi

# (b) No shell between the agent and Client Setup: the parent of whatever
# ran is climon.exe itself.
if grep -q '^ran=' "$WORK/ran.txt"; then
    bad=$(grep '^ran=' "$WORK/ran.txt" | grep -v -i ' parent=climon.exe ' || true)
    if [ -z "$bad" ]; then ok "$CASE: started by climon.exe directly (no cmd.exe)"
    else not_ok "$CASE: started through another process: $bad"; fi
fi
if grep -q -e 'Unhandled exception' -e 'Unhandled page fault' "$WORK/err"; then not_ok "$CASE: agent crashed"; fi
finish
