#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test VM, on the host's root as the real root of the mount
# namespace (selftests/vm/init switch_roots into it; no chroot, so user
# namespaces work), with the checkout mounted read-write at $VMUX_TOP. Finishes the system set-up
# (hostname, lo, the four NICs), runs the command selftests/vm/run left in
# build/vm/cmd and writes its exit status to build/vm/result.

set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LC_ALL=C.UTF-8 TERM=dumb SHELL=/bin/bash
unset LANG

cd "$VMUX_TOP" || exit 1
vmdir=build/vm

mkdir -p /dev/pts /dev/shm
# devtmpfs has no /dev/fd (bash's process substitution needs it): udev's job.
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t bpf bpf /sys/fs/bpf 2>/dev/null

# Loaded now without its default dummy0, so that a test that creates a
# dummy device does not leave an extra one behind (run_all.sh checks).
modprobe dummy numdummies=0 2>/dev/null

# Tests run commands as an unprivileged user in its own user + net
# namespace (lib.sh: userns_setup). Debian's knob, 1 by default since
# bullseye; absent on other kernels.
sysctl -qw kernel.unprivileged_userns_clone=1 2>/dev/null

hostname vmux-vm
ip link set lo up

modprobe e1000 && modprobe virtio_net ||
	echo "vmux-vm: loading the NIC drivers failed"

nics_up()
{
	local n=0 d

	for d in /sys/class/net/*/device/driver; do
		[[ -e $d ]] && n=$((n + 1))
	done
	((n >= 4))
}
for _ in $(seq 100); do
	nics_up && break
	sleep 0.1
done
nics_up || echo "vmux-vm: the four NICs did not appear: $(ls /sys/class/net)"

# Name them by PCI slot (0x10 + N: eth0 e1000 and eth1 virtio-net on one
# wire, eth2 and eth3 on the other; see selftests/vm/run), whatever order
# the drivers probed in. The tests go by slot (lib.sh: nics), the names are
# for people.
nics_name()
{
	local d slot

	for d in /sys/class/net/*; do
		[[ -e $d/device/driver ]] || continue
		[[ $(readlink -f "$d/device") =~ /0000:00:1([0-3])\.0(/|$) ]] || continue
		slot=${BASH_REMATCH[1]}
		ip link set dev "${d##*/}" name "vmuxnic$slot" || return
	done
	for slot in 0 1 2 3; do
		ip link set dev "vmuxnic$slot" name "eth$slot" || return
	done
}
nics_name || echo "vmux-vm: naming the NICs failed: $(ls /sys/class/net)"

: >"$vmdir/dmesg.log"

# Hold the kernel's netstamp static key on for the whole run. Every ping
# (SO_TIMESTAMP) turns it on and off again, and each turn live-patches a
# jmp into __netif_receive_skb_core while the other vCPU may be receiving.
# A 6.12 guest under multi-threaded TCG once died there ("Fatal exception
# in interrupt", RIP one byte into the freshly patched jmp: the int3 of
# text_poke_bp(), hit after the patch was done). Hosts run with the key on
# (chronyd, any timestamping socket), so holding it on tests what they run.
# Python has no socket.SO_TIMESTAMP: 29 is its value on x86
# (SO_TIMESTAMP_OLD, asm-generic/socket.h). The holder says "on" once set.
coproc STAMP {
	exec python3 -c 'import signal, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_TIMESTAMP", 29), 1)
print("on", flush=True)
signal.pause()'
}
# shellcheck disable=SC2153 # set by coproc
stamp_pid=$STAMP_PID
if ! read -r -t 60 stamp <&"${STAMP[0]}" || [[ $stamp != on ]]; then
	echo "vmux-vm: could not hold the netstamp key on (SO_TIMESTAMP socket)"
fi

bash "$vmdir/cmd"
rc=$?
kill "$stamp_pid" 2>/dev/null

dmesg >>"$vmdir/dmesg.log"
echo "$rc" >"$vmdir/result.tmp" && mv "$vmdir/result.tmp" "$vmdir/result"
sync
exit "$rc"
