# status-lib.sh: writes client status files (docs/protocol.md, "Client
# status files") for the report's tests and its bench (sourced, not run).
# Plain printf, no process per file: 10,000 take about a second.
#
#   status_file DIR ID MACHINE WRITTEN RESULT REQUEST PENDING SINCE DEFERRALS DEADLINE LOCAL SERVER [ERROR]
#     times in seconds since 1970 (0 none); LOCAL/SERVER empty = unknown.
status_file() {
    local dir=$1 id=$2 machine=$3 written=$4 result=$5 request=$6 pending=$7 since=$8
    local deferrals=$9 deadline=${10} local_v=${11} server_v=${12} error=${13:-}
    printf '[Climon Status]\r\nFormat=1\r\nSMS Unique ID=%s\r\nMachine Name=%s\r\nAgent Version=0.1.0\r\nWritten=%s\r\nLocal Copy List Version=%s\r\nServer Copy List Version=%s\r\nLast Pass=%s\r\nLast Result=%s\r\nRequest Since=%s\r\nPending=%s\r\nPending Since=%s\r\nDeferrals Used=%s\r\nDeadline=%s\r\nLast Error=%s\r\nLast Boot=%s\r\nEnd=1\r\n' \
        "$id" "$machine" "$written" "$local_v" "$server_v" "$written" "$result" "$request" \
        "$pending" "$since" "$deferrals" "$deadline" "$error" $((written - 86400)) >"$dir/$id.INI"
}

# A site of N clients in DIR (CLIMON.BOX) at time NOW, spread over every
# bucket the page shows: most current, some with a request, restarts of
# every age, errors, silent ones, and a few versions behind.
status_site() { # DIR N NOW
    local dir=$1 n=$2 now=$3 i id m k
    mkdir -p "$dir"
    for ((i = 1; i <= n; i++)); do
        printf -v id 'BEN%05d' "$i"
        printf -v m 'PC%05d' "$i"
        k=$((i % 20))
        case $k in
        1) status_file "$dir" "$id" "$m" $((now - 600)) differs $((now - 900)) none 0 0 0 1764000000 1764000100 ;;
        2) status_file "$dir" "$id" "$m" $((now - 600)) same 0 restart $((now - 7200)) 1 $((now + 86400)) 1764000100 1764000100 ;;
        3) status_file "$dir" "$id" "$m" $((now - 600)) same 0 restart $((now - 2 * 86400)) 3 $((now + 86400)) 1764000100 1764000100 ;;
        4) status_file "$dir" "$id" "$m" $((now - 600)) same 0 logoff $((now - 5 * 86400)) 9 0 1764000100 1764000100 ;;
        5) status_file "$dir" "$id" "$m" $((now - 600)) unknown 0 none 0 0 0 1764000000 "" 'CL_NT.TXT could not be read: the network path was not found' ;;
        6) status_file "$dir" "$id" "$m" $((now - 10 * 86400)) same 0 none 0 0 0 1763000000 1763000000 ;;
        *) status_file "$dir" "$id" "$m" $((now - 600)) same 0 none 0 0 0 1764000100 1764000100 ;;
        esac
    done
}
