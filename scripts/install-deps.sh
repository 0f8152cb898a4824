#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install every Debian package vmux needs to build, unit-test and run its VM
# selftests. Idempotent: a quick no-op when all are installed; "apt-get
# update" only when something is missing.
#
#   scripts/install-deps.sh          build + test
#   scripts/install-deps.sh --dev    also the developer tools: checkpatch's
#                                    kernel source, sparse, shellcheck, and
#                                    what building the debug kernel needs
#   scripts/install-deps.sh --check  list what is missing, install nothing

set -euo pipefail

pkgs=(
	# build: module and userspace
	build-essential cmake pkg-config
	libnl-3-dev libnl-route-3-dev libmnl-dev libfmt-dev catch2
	linux-image-amd64 linux-headers-amd64 kmod
	# the VM harness (selftests/vm/run): QEMU, a static busybox initramfs
	qemu-system-x86 busybox-static cpio gzip xz-utils zstd util-linux coreutils
	# inside the VM (the guest runs the host's own root over 9p)
	iproute2 iputils-ping iputils-arping tcpdump ethtool nftables iptables
	jq procps psmisc python3 bash iperf3
	# CI
	git
)
dev_pkgs=(linux-source-6.1 sparse shellcheck
	# scripts/debug-kernel.sh: building a kernel from linux-source-6.1
	flex bison bc libelf-dev libssl-dev)

check_only=0
while (($#)); do
	case "$1" in
	--dev) pkgs+=("${dev_pkgs[@]}") ;;
	--check) check_only=1 ;;
	-h|--help) sed -n '3,13s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "usage: $0 [--dev] [--check]" >&2; exit 2 ;;
	esac
	shift
done

missing=()
for p in "${pkgs[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	[[ $status == "ii "* ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
	echo "install-deps: all ${#pkgs[@]} packages are installed"
	exit 0
fi
echo "install-deps: missing: ${missing[*]}"
((check_only)) && exit 1

if ((EUID != 0)); then
	echo "install-deps: need root to install them (sudo $0)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold
	  -o DPkg::Lock::Timeout=300)
apt-get "${apt_opts[@]}" update
# Recommends stay out: the kernel's firmware, QEMU's GUI and UEFI are not
# needed and would slow every fresh CI machine down.
apt-get "${apt_opts[@]}" install --no-install-recommends "${missing[@]}"

still=()
for p in "${missing[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	[[ $status == "ii "* ]] || still+=("$p")
done
if ((${#still[@]})); then
	echo "install-deps: still missing after apt-get: ${still[*]}" >&2
	exit 1
fi
echo "install-deps: installed ${missing[*]}"
