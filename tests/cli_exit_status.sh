#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Exit status and stream of the vmux binary for what needs no kernel, as
# ip(8): 0 for help, version and completion (stdout), 1 for usage errors
# (stderr). 2, the kernel's refusals, is the selftests' part.

vmux=${1:?usage: $0 PATH_TO_VMUX}
failed=0

# check STATUS STREAM EXPECTED-TEXT ARGS...
check()
{
	want_status=$1 stream=$2 want_text=$3
	shift 3
	out=$("$vmux" "$@" 2>/dev/null)
	status=$?
	err=$("$vmux" "$@" 2>&1 >/dev/null)
	if [ "$stream" = stdout ]; then text=$out; else text=$err; fi
	if [ "$status" -ne "$want_status" ] || ! printf '%s\n' "$text" | grep -qF -- "$want_text"; then
		echo "FAIL: vmux $*: status $status (want $want_status), $stream: $text"
		failed=1
	else
		echo "ok: vmux $*"
	fi
}

check 0 stdout "vmux utility, " -V
check 0 stdout "vmux utility, " --version
check 0 stdout "Usage: vmux [ OPTIONS ] OBJECT" help
check 0 stdout "Usage: vmux [ OPTIONS ] OBJECT" --help
check 0 stdout "vmux link delete" link help
check 0 stdout "VLANID := 0-4094" link help vlan
check 0 stdout "MODE := { l2 | l3 | l3s }  (default: l3)" link help vmux_ipvlan
check 0 stdout "Usage: vmux link add [ link DEVICE ] [ [ name ] NAME ]" link add help
check 0 stdout "[ numtxqueues QUEUE_COUNT ]" link add help
check 0 stdout "Usage: vmux link set { DEVICE | dev DEVICE }" link set help
check 0 stdout "[ nomaster ]" link set help
check 0 stdout "Usage: vmux link delete" link delete help
check 0 stdout "Usage: vmux link show" link show help
check 0 stdout "Usage: vmux port show" port show help
check 0 stdout "Usage: vmux monitor [ link ]" monitor help
check 0 stdout "Usage: vmux completion bash" completion help
check 0 stdout "Usage: vmux apply [ --dry-run ] [ --prune ] [ --wait SECONDS ]" apply help
check 1 stderr 'Not enough information: a configuration FILE or DIR is required' apply
check 1 stderr 'Error: argument "--frob" is wrong: apply takes --dry-run, --prune and --wait SECONDS' \
	apply --frob /etc/vmux
check 1 stderr 'Error: argument "-1" is wrong: --wait must be 0-86400 seconds' apply --wait -1 /etc/vmux
check 1 stderr 'Cannot open file "/nonexistent/vmux.conf" for reading: No such file or directory' \
	apply /nonexistent/vmux.conf
check 0 stdout "VLANID := 0-4094" link add link eth0 name v type vlan help
check 0 stdout "complete -F _vmux vmux" completion bash
check 1 stderr "Usage: vmux"
check 1 stderr 'Option "-x" is unknown' -x link
check 1 stderr 'Command "frob" is unknown, try "vmux link help".' link frob
check 1 stderr 'Error: argument "4095" is wrong: id must be 0-4094' \
	link add link eth0 name v type vlan id 4095
check 1 stderr 'Error: argument "veth" is wrong: unknown link type' link help veth
check 1 stderr 'Command line is not complete. Try option "help"' link add link
check 1 stderr 'Error: argument "a b" is wrong: "name" not a valid ifname' \
	link add link eth0 name "a b" type vlan id 5
check 1 stderr 'Error: argument "a/b" is wrong: "dev" not a valid ifname' link set a/b up
check 1 stderr 'Error: argument "0" is wrong: numtxqueues must be 1-4096' \
	link add link eth0 name m numtxqueues 0 type macvlan
check 1 stderr 'Error: argument "numtxqueues" is wrong: not an option of "link set"' \
	link set v1 numtxqueues 2
check 1 stderr 'index can be used only when creating devices or when moving device to another netns.' \
	link set v1 index 5
exit $failed
