#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Exit status and stream of the vmux binary for what needs no kernel:
# 0 for help, version and completion (stdout), 2 for usage errors (stderr).

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
check 0 stdout "Usage: vmux [ OPTIONS ] OBJECT" help
check 0 stdout "Usage: vmux [ OPTIONS ] OBJECT" --help
check 0 stdout "vmux link delete" link help
check 0 stdout "VLANID := 0-4094" link help vlan
check 0 stdout "MODE := { l2 | l3 | l3s }  (default: l3)" link help vmux_ipvlan
check 0 stdout "complete -F _vmux vmux" completion bash
check 2 stderr "Usage: vmux" 
check 2 stderr 'Option "-x" is unknown' -x link
check 2 stderr 'Command "frob" is unknown, try "vmux link help".' link frob
check 2 stderr 'Error: argument "4095" is wrong: id must be 0-4094' \
	link add link eth0 name v type vlan id 4095
check 2 stderr 'Error: argument "veth" is wrong: unknown link type' link help veth
check 2 stderr 'Command line is not complete. Try option "help"' link add link
exit $failed
