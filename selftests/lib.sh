# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# vmux selftest library, sourced by every selftests/*.sh. kselftest-shaped:
# the conventions are those of tools/testing/selftests/net/forwarding/lib.sh
# and net/lib.sh, so a kernel developer reads these tests without a guide.
#
#   ALL_TESTS="test_a test_b"     the test functions, run by tests_run
#   RET=0 ... check_err $? "why"  the first failure wins: RET and retmsg
#   log_test "name"               prints "TEST: name  [ OK ]" or "[FAIL]" + why
#   log_test_skip "name" "why"    prints "TEST: name  [SKIP]"
#   defer CMD...                  cleanup, run LIFO at the end of the current
#                                 test (tests_run opens a scope per test) and
#                                 on every exit path of the script
#   setup_ns A B                  sets $A, $B to fresh namespaces "A-xxxxxx"
#   hosts_setup [C D]             $A with the e1000 $NA, $B with the virtio $NB
#   vm NS ARGS...                 the vmux CLI in NS
#   userns_setup U                $U: the PID holding a new user + net
#                                 namespace of uid 65534 (root inside);
#                                 "ip link set dev DEV netns $U" moves in
#   userns_exec U CMD...          CMD in $U as its root, unprivileged outside
#   userns_vm U ARGS...           the vmux CLI in $U, unprivileged
#   as_user CMD...                CMD as uid 65534, no capabilities
#   busywait MS CMD... / slowwait S CMD...   poll until CMD succeeds
#
# Exit status (exit_status): 0 all passed, 1 something failed, 4 (ksft_skip)
# everything skipped. The runner (selftests/run_all.sh) counts TEST: lines.
# The scripts only run inside the test VM (selftests/vm/run): they move the
# machine's NICs around and load modules.

ksft_skip=4

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
VMUX=${VMUX:-$top/build/vmux}
VMUX_KO=${VMUX_KO:-$top/kmod/vmux.ko}
NLREQ=$top/selftests/nlreq.py
# SPLAT_RE, splat_filter, splat_count
source "$top/selftests/splat.sh"
# Per-poll waits: how long busywait/slowwait callers give the kernel, in ms;
# four times as long on a kernel with lockdep (the debug kernel, several
# times slower under TCG).
if [[ -r /proc/lockdep_stats ]]; then
	WAIT_TIMEOUT=${WAIT_TIMEOUT:-20000}
else
	WAIT_TIMEOUT=${WAIT_TIMEOUT:-5000}
fi

RET=0
retmsg=
EXIT_STATUS=0
__n_pass=0
__n_skip=0

# ---- results -----------------------------------------------------------------

check_err()
{
	local err=$1
	local msg=$2

	if ((RET == 0 && err != 0)); then
		RET=$err
		retmsg=$msg
	fi
}

check_fail()
{
	local err=$1
	local msg=$2

	if ((RET == 0 && err == 0)); then
		RET=1
		retmsg=$msg
	fi
}

# check_err_fail WANT_FAIL ERR MSG: check_fail if WANT_FAIL, else check_err.
check_err_fail()
{
	local should_fail=$1; shift

	if ((should_fail)); then
		check_fail "$@"
	else
		check_err "$@"
	fi
}

log_test()
{
	local test_name=$1
	local opt_str=${2:-}

	[[ -n $opt_str ]] && opt_str=" ($opt_str)"
	if ((RET != 0)); then
		EXIT_STATUS=1
		printf "TEST: %-60s  [FAIL]\n" "$test_name$opt_str"
		[[ -n $retmsg ]] && printf "\t%s\n" "$retmsg"
		if [[ -n ${PAUSE_ON_FAIL:-} ]]; then
			echo "Hit enter to continue, 'q' to quit"
			read -r a
			[[ $a == q ]] && exit 1
		fi
		RET=0
		retmsg=
		return 1
	fi
	__n_pass=$((__n_pass + 1))
	printf "TEST: %-60s  [ OK ]\n" "$test_name$opt_str"
	return 0
}

log_test_skip()
{
	local test_name=$1
	local why=${2:-}

	__n_skip=$((__n_skip + 1))
	printf "TEST: %-60s  [SKIP]\n" "$test_name"
	[[ -n $why ]] && printf "\t%s\n" "$why"
	RET=0
	retmsg=
	return 0
}

log_info()
{
	echo "INFO: $*"
}

# The script's exit status: 1 if anything failed, 4 if nothing ran but
# skips, else 0.
exit_status()
{
	if ((EXIT_STATUS != 0)); then
		echo 1
	elif ((__n_pass == 0 && __n_skip > 0)); then
		echo "$ksft_skip"
	else
		echo 0
	fi
}

# ---- cleanup: a stack of deferred commands, in scopes ----------------------------

__defer_cmds=()
__defer_scopes=()

# defer CMD [ARG...]: run CMD when the current scope closes (LIFO).
defer()
{
	local cmd

	printf -v cmd '%q ' "$@"
	__defer_cmds+=("$cmd")
}

defer_scope_push()
{
	__defer_scopes+=("${#__defer_cmds[@]}")
}

# Run (LIFO) and drop the commands deferred since the matching push.
defer_scope_pop()
{
	local base=0 i

	if ((${#__defer_scopes[@]})); then
		base=${__defer_scopes[-1]}
		unset '__defer_scopes[-1]'
	fi
	for ((i = ${#__defer_cmds[@]} - 1; i >= base; i--)); do
		eval "${__defer_cmds[i]}" || true
		unset '__defer_cmds[i]'
	done
}

# Run everything still deferred, innermost scope first.
defer_run_all()
{
	while ((${#__defer_scopes[@]})); do
		defer_scope_pop
	done
	defer_scope_pop
}

__lib_exit()
{
	local rc=$?

	trap - EXIT
	defer_run_all
	exit "$rc"
}
trap __lib_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- running tests -----------------------------------------------------------------

# Run $TESTS (or $ALL_TESTS) but those in $VMUX_TESTS_LATER (run_all.sh runs
# them alone later), each in its own cleanup scope; a comment line
# after each gives its wall time with its cleanup, to find where a suite's
# minutes go.
tests_run()
{
	local current_test start

	for current_test in ${TESTS:-$ALL_TESTS}; do
		[[ " ${VMUX_TESTS_LATER:-} " == *" $current_test "* ]] && continue
		RET=0
		retmsg=
		start=$(__now_ms)
		defer_scope_push
		"$current_test"
		defer_scope_pop
		printf '#   %s took %d ms\n' "$current_test" "$(($(__now_ms) - start))"
	done
}

# ---- requirements --------------------------------------------------------------------

require_root()
{
	if ((EUID != 0)); then
		echo "SKIP: need root"
		exit "$ksft_skip"
	fi
}

require_command()
{
	local cmd

	for cmd in "$@"; do
		if ! command -v "$cmd" >/dev/null; then
			echo "SKIP: $cmd is not installed"
			exit "$ksft_skip"
		fi
	done
}

# require_module NAME...: modprobe each or skip the whole script.
require_module()
{
	local m

	for m in "$@"; do
		if ! modprobe -q "$m"; then
			echo "SKIP: cannot load module $m"
			exit "$ksft_skip"
		fi
	done
}

# The vmux CLI and the loaded module (run_all.sh loads kmod/vmux.ko).
require_vmux()
{
	if [[ ! -x $VMUX ]]; then
		echo "FAIL: $VMUX is not built (make userspace)"
		exit 1
	fi
	if [[ ! -d /sys/module/vmux ]]; then
		echo "FAIL: the vmux module is not loaded (selftests/run_all.sh loads $VMUX_KO)"
		exit 1
	fi
}

# ---- polling (never a fixed sleep) ---------------------------------------------------

__now_ms()
{
	local t=${EPOCHREALTIME/./}

	echo $((t / 1000))
}

# loopy_wait SLEEP_CMD TIMEOUT_MS CMD...: run CMD until it succeeds or
# TIMEOUT_MS passed; prints CMD's last output, returns its last status.
loopy_wait()
{
	local sleep_cmd=$1; shift
	local timeout_ms=$1; shift
	local start out ret

	start=$(__now_ms)
	while true; do
		out=$("$@")
		ret=$?
		if ((ret == 0)); then
			printf '%s' "$out"
			return 0
		fi
		if (($(__now_ms) - start > timeout_ms)); then
			printf '%s' "$out"
			return "$ret"
		fi
		$sleep_cmd
	done
}

# busywait TIMEOUT_MS CMD...: poll CMD every 10 ms.
busywait()
{
	local timeout_ms=$1; shift

	loopy_wait "sleep 0.01" "$timeout_ms" "$@"
}

# slowwait TIMEOUT_S CMD...: poll CMD every 100 ms.
slowwait()
{
	local timeout_s=$1; shift

	loopy_wait "sleep 0.1" "$((timeout_s * 1000))" "$@"
}

# until_counter_is EXPR CURRENT_CMD...: succeeds when "$(CURRENT_CMD) EXPR"
# holds, e.g. busywait 2000 until_counter_is ">= 10" link_stats_get ...
until_counter_is()
{
	local expr=$1; shift
	local current

	current=$("$@")
	echo "$current"
	[[ $current =~ ^-?[0-9]+$ ]] || return 1
	eval "((current $expr))"
}

# ---- namespaces ------------------------------------------------------------------------

# setup_ns NAME...: for each NAME create the namespace "NAME-<random>", bring
# its lo up, set the shell variable NAME to it and defer its deletion.
setup_ns()
{
	local var ns

	for var in "$@"; do
		if [[ ! $var =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
			echo "setup_ns: '$var' is not a variable name" >&2
			return 1
		fi
		ns="$var-$(mktemp -u XXXXXX)"
		if ! ip netns add "$ns"; then
			echo "setup_ns: cannot create namespace $ns" >&2
			return 1
		fi
		defer netns_del "$ns"
		ip -n "$ns" link set lo up
		printf -v "$var" '%s' "$ns"
	done
}

# netns_del NS: "ip netns del NS" unless a test deleted it already.
netns_del()
{
	[[ ! -e /run/netns/$1 ]] || ip netns del "$1"
}

# ns_sysctl "KEY=VALUE..." NS...: the same sysctls in every NS.
ns_sysctl()
{
	local -a kv
	local ns

	read -ra kv <<<"$1"
	shift
	for ns in "$@"; do
		ip netns exec "$ns" sysctl -qw "${kv[@]}"
	done
}

# quiet_ns NS...: IPv6 off in each NS, for the devices there and those to
# come: no DAD, RS or MLD frames, so that frame counts are exact.
quiet_ns()
{
	ns_sysctl "net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1" "$@"
}

# in_ns NS CMD...: run CMD in NS ("" = the current namespace).
in_ns()
{
	local ns=$1; shift

	if [[ -z $ns ]]; then
		"$@"
	else
		ip netns exec "$ns" "$@"
	fi
}

# ip_ns NS ARGS...: "ip -n NS ARGS..." ("" = the current namespace).
ip_ns()
{
	local ns=$1; shift

	if [[ -n $ns ]]; then
		ip -n "$ns" "$@"
	else
		ip "$@"
	fi
}

# ---- user namespaces: an unprivileged user's own user + net namespace -------------------

# The unprivileged user: nobody:nogroup on Debian.
USERNS_UID=65534
USERNS_GID=65534

# as_user CMD...: CMD as $USERNS_UID:$USERNS_GID, with no supplementary
# groups, no capabilities and no way to gain any (no_new_privs: setuid and
# file-capability binaries do not raise it).
as_user()
{
	setpriv --reuid="$USERNS_UID" --regid="$USERNS_GID" --clear-groups \
		--no-new-privs -- "$@"
}

# userns_setup VAR: set VAR to the PID of a process that holds a fresh user
# + net namespace: as_user runs "unshare -Urn" (its uid and gid are root
# inside, nothing else is mapped) and sleeps there. The PID names the
# namespace: userns_exec and userns_vm run in it, and root moves a device
# in with "ip link set dev DEV netns $VAR". Its lo is up. Deferred: kill
# the holder and whatever else runs in the namespace, which frees it
# (asynchronously, as "ip netns del" does: its virtual devices are deleted,
# physical ones go back to the initial namespace).
userns_setup()
{
	local var=$1 pid

	if [[ ! $var =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
		echo "userns_setup: '$var' is not a variable name" >&2
		return 1
	fi
	# Not through as_user: $! must be the holder (setpriv and unshare
	# exec, so it is sleep in the end).
	setpriv --reuid="$USERNS_UID" --regid="$USERNS_GID" --clear-groups \
		--no-new-privs -- unshare -Urn sleep infinity >/dev/null &
	pid=$!
	defer userns_kill "$pid"
	# unshare writes the id maps before it execs sleep.
	if ! busywait "$WAIT_TIMEOUT" userns_holding "$pid"; then
		echo "userns_setup: no user namespace: unshare -Urn failed as uid $USERNS_UID" >&2
		return 1
	fi
	printf -v "$var" '%s' "$pid"
	userns_exec "$pid" ip link set lo up
}

userns_holding()
{
	[[ $(cat "/proc/$1/comm" 2>/dev/null) == sleep ]]
}

# userns_kill PID: kill the holder and every process in its user or net
# namespace (userns_exec CMD & included): the namespace goes with them.
userns_kill()
{
	local pid=$1 p
	local -a pids=()

	# -ef: the same namespace (nsfs inode); a process gone is in none.
	for p in /proc/[0-9]*; do
		[[ $p/ns/user -ef /proc/$pid/ns/user || $p/ns/net -ef /proc/$pid/ns/net ]] &&
			pids+=("${p#/proc/}")
	done
	((${#pids[@]})) && kill -KILL "${pids[@]}" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# userns_exec PID CMD...: CMD in userns_setup's namespace PID, as its root:
# all capabilities there, uid $USERNS_UID and no capability over the initial
# namespaces (it cannot touch init_net's devices nor write root's files).
userns_exec()
{
	local pid=$1; shift

	as_user nsenter --target "$pid" --user --net --preserve-credentials -- "$@"
}

# ---- the VM's NIC pairs -------------------------------------------------------------------

# nics: print "E1000_DEV VIRTIO_DEV", the guest's two wired NICs of pair
# $VMUX_NIC_PAIR (0 or 1, default 0; selftests/run_all.sh gives each script
# it runs beside another a pair of its own), found by PCI slot (e1000 0x10 +
# 2 x pair, virtio-net the next; selftests/vm/run) in the current namespace
# (they must be home: see nic_to_ns).
nics()
{
	local pair=${VMUX_NIC_PAIR:-0} d slot e1000="" virtio=""

	if [[ ! $pair =~ ^[01]$ ]]; then
		echo "nics: VMUX_NIC_PAIR='$pair': 0 or 1" >&2
		return 1
	fi
	for d in /sys/class/net/*; do
		[[ -e $d/device/driver ]] || continue
		[[ $(readlink -f "$d/device") =~ /0000:00:1([0-3])\.0(/|$) ]] || continue
		slot=${BASH_REMATCH[1]}
		case $slot in
		$((2 * pair))) e1000=${d##*/} ;;
		$((2 * pair + 1))) virtio=${d##*/} ;;
		esac
	done
	if [[ -z $e1000 || -z $virtio ]]; then
		echo "nics: the e1000 and virtio-net NICs of pair $pair are not both in this namespace" >&2
		return 1
	fi
	echo "$e1000 $virtio"
}

# nics_home: wait until both NICs of the pair are back in this namespace (a deleted
# namespace hands its physical devices back asynchronously).
nics_home()
{
	slowwait 10 nics >/dev/null
}

# nic_to_ns DEV NS: move DEV into NS, bring it up, and defer moving it back.
nic_to_ns()
{
	local dev=$1 ns=$2

	ip link set dev "$dev" netns "$ns" || return
	defer nic_from_ns "$dev" "$ns"
	ip -n "$ns" link set dev "$dev" up
}

# nic_from_ns DEV NS: move DEV from NS back to the initial namespace, down
# and without addresses, as it was.
nic_from_ns()
{
	local dev=$1 ns=$2

	ip -n "$ns" link set dev "$dev" down 2>/dev/null
	ip -n "$ns" addr flush dev "$dev" 2>/dev/null
	ip -n "$ns" link set dev "$dev" netns 1
}

# nic_wait_carrier NS DEV: wait (10 s) until DEV in NS has carrier.
nic_wait_carrier()
{
	slowwait 10 link_has_carrier "$1" "$2"
}

# hosts_setup [-a e1000|virtio] [-i FUNC] [NAME...]: the two hosts on the
# wire. $A holds the e1000 as $NA, $B the virtio-net as $NB, both up (-a
# virtio: the other way round); setup_ns makes one more namespace per NAME.
# FUNC (e.g. quiet_ns) gets every namespace before the NICs move in: a
# device takes its sysctls from the namespace's defaults when it arrives.
hosts_setup()
{
	local side=e1000 init="" opt e1000 virtio OPTIND=1

	while getopts "a:i:" opt; do
		case $opt in
		a) side=$OPTARG ;;
		i) init=$OPTARG ;;
		*) return 1 ;;
		esac
	done
	shift $((OPTIND - 1))
	read -r e1000 virtio < <(nics) || return 1
	case $side in
	e1000) NA=$e1000; NB=$virtio ;;
	virtio) NA=$virtio; NB=$e1000 ;;
	*) echo "hosts_setup: -a $side: e1000 or virtio" >&2; return 1 ;;
	esac
	setup_ns A B "$@" || return 1
	if [[ -n $init ]]; then
		local -a all=("$A" "$B")
		local var

		for var in "$@"; do
			all+=("${!var}")
		done
		"$init" "${all[@]}"
	fi
	nic_to_ns "$NA" "$A" && nic_to_ns "$NB" "$B"
}

# peer_vlan ID HOST: on the peer, the 8021q vlan "pID" on $NB with
# 198.51.100.HOST/24, up.
peer_vlan()
{
	ip -n "$B" link add link "$NB" name "p$1" type vlan id "$1" &&
	ip -n "$B" addr add "198.51.100.$2/24" dev "p$1" &&
	ip -n "$B" link set "p$1" up
}

# ---- links ---------------------------------------------------------------------------------

# ---- JSON without jq ------------------------------------------------------------------------
# jq takes about 270 ms to start in the test VM (ip about 90 ms), and the
# helpers below run in polling loops: they read one device's "ip -j" or
# "vmux -j" output with bash's own regex instead. Each fails if the field
# is missing (no such device: no output).

# __json_scalar JSON KEY: the first "KEY": number/bool (as is) or string.
__json_scalar()
{
	local re="\"$2\":(\"([^\"]*)\"|[-0-9.a-z]+)"

	[[ $1 =~ $re ]] || return 1
	if [[ ${BASH_REMATCH[1]} == \"* ]]; then
		echo "${BASH_REMATCH[2]}"
	else
		echo "${BASH_REMATCH[1]}"
	fi
}

# __json_object JSON KEY: the body of the first "KEY": {...} with no object
# inside (ip's stats64 rx and tx, vmux's drop counters).
__json_object()
{
	local re="\"$2\":\\{([^{}]*)\\}"

	[[ $1 =~ $re ]] || return 1
	echo "${BASH_REMATCH[1]}"
}

link_exists()
{
	ip_ns "$1" link show dev "$2" &>/dev/null
}

# link_has_flag NS DEV FLAG: DEV in NS has FLAG (UP, LOWER_UP, NOARP, ...).
link_has_flag()
{
	local out re='"flags":\[([^]]*)\]'

	out=$(ip_ns "$1" -j link show dev "$2") || return 1
	[[ $out =~ $re ]] && [[ ${BASH_REMATCH[1]} == *"\"$3\""* ]]
}

is_up()
{
	link_has_flag "$1" "$2" UP
}

link_has_carrier()
{
	link_has_flag "$1" "$2" LOWER_UP
}

operstate()
{
	local out

	out=$(ip_ns "$1" -j link show dev "$2") && __json_scalar "$out" operstate
}

# operstate_is NS DEV STATE: for busywait.
operstate_is()
{
	[[ $(operstate "$1" "$2") == "$3" ]]
}

# lower_down_operstate NS DEV: the operstate the kernel gives a stacked
# DEV in NS whose lower has no carrier (link_watch.c, default_operstate()).
# 6.1: LOWERLAYERDOWN, as DEV's iflink is another device. 6.12 (the
# linkwatch change of 6.7-6.10 for DSA) looks the iflink up by ifindex in
# DEV's own netns: LOWERLAYERDOWN only if a device there has that index and
# no carrier; DOWN if none has it (a lower in another netns) or it has
# carrier. In-kernel macvlan and vlan get the same.
lower_down_operstate()
{
	local ns=$1 dev=$2 iflink carrier

	if [[ $(uname -r) == 6.1.* ]]; then
		echo LOWERLAYERDOWN
		return
	fi
	iflink=$(in_ns "$ns" cat "/sys/class/net/$dev/iflink")
	carrier=$(ip_ns "$ns" -j link show | jq -r --argjson i "$iflink" \
		'.[] | select(.ifindex == $i) | .flags | index("LOWER_UP") != null')
	if [[ $carrier == false ]]; then
		echo LOWERLAYERDOWN
	else
		echo DOWN
	fi
}

mac_of()
{
	local out

	out=$(ip_ns "$1" -j link show dev "$2") && __json_scalar "$out" address
}

link_mtu()
{
	local out

	out=$(ip_ns "$1" -j link show dev "$2") && __json_scalar "$out" mtu
}

# link_count NS: how many devices NS holds.
link_count()
{
	ip_ns "$1" -o link | wc -l
}

# check_link_count NS COUNT: NS holds COUNT devices still (link_count before
# the refused commands): they left nothing behind.
check_link_count()
{
	local n

	n=$(link_count "$1")
	((n == $2))
	check_err $? "failed commands left devices behind ($2 -> $n)"
}

# ---- vmux ----------------------------------------------------------------------------------

# vm NS ARGS...: the vmux CLI in NS.
vm()
{
	local ns=$1; shift

	# -n: the CLI's own setns, 100 ms less than "ip netns exec" in the VM.
	"$VMUX" ${ns:+-n "$ns"} "$@"
}

# userns_vm PID ARGS...: the vmux CLI in userns_setup's namespace PID, as
# an unprivileged user (userns_exec).
userns_vm()
{
	local pid=$1; shift

	userns_exec "$pid" "$VMUX" "$@"
}

# vmux_drops_get NS DEV dev|port REASON: a vmux drop counter of DEV.
vmux_drops_get()
{
	local out obj

	out=$(vm "$1" -s -j link show dev "$2") || return 1
	[[ $out == *'"vmux_drops":'* ]] || return 1
	obj=$(__json_object "${out#*\"vmux_drops\":}" "$3") &&
		__json_scalar "$obj" "$4"
}

# vmux_refused NS <<EOF: one "vmux link" command line a row, as
# "ARGS|MESSAGE" or "ARGS|STATUS|MESSAGE": "vmux link ARGS" in NS must fail
# (with exit STATUS) and print MESSAGE.
vmux_refused()
{
	local ns=$1 row want msg out rc

	while IFS='|' read -r row want msg; do
		[[ -z $row ]] && continue
		[[ -z $msg ]] && { msg=$want; want=; }
		# shellcheck disable=SC2086
		out=$(vm "$ns" link $row 2>&1)
		rc=$?
		if [[ -n $want ]]; then
			((rc == want))
			check_err $? "vmux link $row: exit status $rc, expected $want"
		else
			((rc != 0))
			check_err $? "accepted: vmux link $row"
		fi
		[[ $out == *"$msg"* ]]
		check_err $? "vmux link $row: expected \"$msg\", got \"$out\""
	done
}

# nlreq_refused NS <<EOF: one raw request a row, as "ERRNO: message|ARGS":
# "nlreq.py ARGS" in NS must fail with ERRNO and the extack message (which
# the kernel may prefix: _MOD messages carry "vmux: "). Raw requests reach
# the kernel's own checks, which the CLI would not let through. The rows go
# to one nlreq.py --batch, in order.
nlreq_refused()
{
	local ns=$1 want row i
	local -a wants=() rows=() outs=()

	while IFS='|' read -r want row; do
		[[ -z $want ]] && continue
		wants+=("$want")
		rows+=("$row")
	done
	((${#rows[@]})) || return 0
	mapfile -t outs < <(printf '%s\n' "${rows[@]}" |
		ip netns exec "$ns" "$NLREQ" --batch 2>&1)
	for i in "${!rows[@]}"; do
		want=${wants[i]}
		[[ ${outs[i]:-} == "${want%%: *}: "*"${want#*: }"* ]]
		check_err $? "nlreq ${rows[i]}: expected \"$want\", got \"${outs[i]:-}\""
	done
}

# ---- counters ------------------------------------------------------------------------------

# link_stats_get NS DEV rx|tx packets|bytes|dropped|errors|multicast
link_stats_get()
{
	local ns=$1 dev=$2 dir=$3 stat=$4

	local out obj

	out=$(ip_ns "$ns" -j -s link show dev "$dev") || return 1
	obj=$(__json_object "$out" "$dir") && __json_scalar "$obj" "$stat"
}

# ---- traffic -------------------------------------------------------------------------------

# ping_do NS ADDR [ARGS...]: 3 pings, 0.2 s apart, 5 s deadline.
ping_do()
{
	local ns=$1 addr=$2; shift 2

	in_ns "$ns" ping -q -c 3 -i 0.2 -w 5 "$@" "$addr" >/dev/null
}

ping6_do()
{
	ping_do "$1" "$2" -6 "${@:3}"
}

# arp_requests NS DEV COUNT TARGET: COUNT broadcast ARP requests for TARGET
# out of DEV in NS, at once (selftests/arpreq.py: arping sends one a second
# and waits for replies).
arp_requests()
{
	ip netns exec "$1" python3 "$top/selftests/arpreq.py" "$2" "$3" "$4"
}

# flood_ping NS ADDR: ping -f from NS to ADDR in the background, for 30 s at
# most; killed when the test ends.
flood_ping()
{
	ip netns exec "$1" ping -q -f -w 30 "$2" &>/dev/null &
	defer kill "$!"
}

# ---- capture -------------------------------------------------------------------------------

# tcpdump_start NS DEV [FILTER...]: capture on DEV in NS ("" = here) with
# -e -nn, and return once tcpdump is really listening. One capture at a
# time; tcpdump_stop ends it, tcpdump_show prints it.
TCPDUMP_PID=
TCPDUMP_OUT=
TCPDUMP_ERR=
tcpdump_start()
{
	local ns=$1 dev=$2; shift 2

	if [[ -n $TCPDUMP_PID ]]; then
		echo "tcpdump_start: a capture is running already" >&2
		return 1
	fi
	TCPDUMP_OUT=$(mktemp /tmp/vmux-tcpdump.XXXXXX)
	TCPDUMP_ERR=$(mktemp /tmp/vmux-tcpdump-err.XXXXXX)
	defer rm -f "$TCPDUMP_OUT" "$TCPDUMP_ERR"
	local -a pre=()
	[[ -n $ns ]] && pre=(ip netns exec "$ns")
	# Not through a function: $! must be tcpdump itself (ip netns exec
	# execs it) for tcpdump_stop's signal to reach it.
	"${pre[@]}" tcpdump -i "$dev" -e -nn -l --immediate-mode -Z root "$@" \
		>"$TCPDUMP_OUT" 2>"$TCPDUMP_ERR" &
	TCPDUMP_PID=$!
	defer tcpdump_stop
	if ! slowwait 10 grep -q "listening on" "$TCPDUMP_ERR"; then
		echo "tcpdump_start: tcpdump did not start on $dev:" >&2
		cat "$TCPDUMP_ERR" >&2
		tcpdump_stop
		return 1
	fi
}

# tcpdump_wait PATTERN [COUNT] [TIMEOUT_MS]: wait until the capture holds
# COUNT (1) lines matching the extended regex PATTERN; frames are reported
# asynchronously, so wait for what you expect before stopping.
tcpdump_wait()
{
	local pattern=$1 count=${2:-1} timeout_ms=${3:-$WAIT_TIMEOUT}

	busywait "$timeout_ms" until_counter_is ">= $count" \
		grep -cE -- "$pattern" "$TCPDUMP_OUT" >/dev/null
}

# tcpdump_stop: end the capture (idempotent).
tcpdump_stop()
{
	[[ -n $TCPDUMP_PID ]] || return 0
	# TERM: background jobs of a script ignore INT; tcpdump exits
	# cleanly on either.
	kill -TERM "$TCPDUMP_PID" 2>/dev/null
	wait "$TCPDUMP_PID" 2>/dev/null
	TCPDUMP_PID=
}

# tcpdump_show: the captured frames, one per line (-e -nn text).
tcpdump_show()
{
	cat "$TCPDUMP_OUT"
}
