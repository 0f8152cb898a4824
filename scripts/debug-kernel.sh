#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) the vmux debug kernel: Debian's linux-source-6.1 with
# KASAN, UBSAN, kmemleak, lockdep and friends, configured as
# x86_64_defconfig + kernel/configs/kvm_guest.config +
# scripts/debug-kernel.config. Prints the kernel's build tree on stdout:
# the KDIR to build vmux against ("make -C TREE M=DIR modules") and the
# tree selftests/vm/run --kdir boots (TREE/arch/x86/boot/bzImage, with the
# modules installed under TREE/modroot/lib/modules/<release>).
#
#   scripts/debug-kernel.sh           build unless cached; print the tree
#   scripts/debug-kernel.sh --print   print the tree; exit 1 if not built yet
#   scripts/debug-kernel.sh --prune   delete the cached kernels of other keys
#
# The cache lives outside the checkout, shared by every clone on the
# machine: $VMUX_CACHE, default ${XDG_CACHE_HOME:-/var/cache}/vmux, one
# linux-6.1-KEY directory per key (src/: the source, build/: the O= tree,
# build.log). KEY hashes the config fragment, the source tarball, the
# compiler and this recipe's version, so editing the fragment builds a new
# kernel and going back finds the old one. A build that fails or is
# interrupted resumes where it stopped.
#
# The build runs at nice 19 (other VMs may be running on the machine) with
# make -j$DEBUG_KERNEL_JOBS (default: CPUs + 1), and takes about 20 minutes
# on 2 cores. Environment: LINUX_SOURCE (the tarball, default
# /usr/src/linux-source-6.1.tar.xz), VMUX_CACHE, DEBUG_KERNEL_JOBS.

set -euo pipefail

prog=debug-kernel
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
source_tar=${LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
fragment=$top/scripts/debug-kernel.config
cache=${VMUX_CACHE:-${XDG_CACHE_HOME:-/var/cache}/vmux}
jobs=${DEBUG_KERNEL_JOBS:-$(($(nproc) + 1))}
# Bump when the way a tree is built changes (not the config: it is hashed).
recipe=1

die()
{
	echo "$prog: $*" >&2
	exit 1
}

say()
{
	echo "$prog: $*" >&2
}

mode=build
case "${1:-}" in
"") ;;
--print) mode=print ;;
--prune) mode=prune ;;
-h|--help) sed -n '3,29s/^# \{0,1\}//p' "$0"; exit 0 ;;
*) echo "usage: $0 [--print | --prune]" >&2; exit 2 ;;
esac

[[ -r $source_tar ]] ||
	die "$source_tar is missing: apt-get install linux-source-6.1 (scripts/install-deps.sh --dev)"
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "DEBUG_KERNEL_JOBS wants a number, not '$jobs'"

key=$( {
	echo "recipe $recipe"
	sha256sum <"$fragment"
	sha256sum <"$source_tar"
	gcc --version | head -n 1
} | sha256sum | cut -c1-12)
dir=$cache/linux-6.1-$key
tree=$dir/build

case $mode in
print)
	[[ -e $dir/ok ]] || { say "not built yet: $tree"; exit 1; }
	echo "$tree"
	exit 0
	;;
prune)
	for d in "$cache"/linux-6.1-*/; do
		d=${d%/}
		[[ -d $d && $d != "$dir" ]] || continue
		say "removing $d"
		rm -rf "$d" "$d.lock"
	done
	exit 0
	;;
esac

# The tree's path travels on the VM's kernel command line.
[[ $dir =~ ^[A-Za-z0-9._/+-]+$ ]] ||
	die "the cache path '$dir' has characters the VM cannot take (set VMUX_CACHE)"
mkdir -p "$cache" || die "cannot create $cache (set VMUX_CACHE)"

# Two builds of one key would trample each other: the second waits and
# then finds the kernel built.
exec {lockfd}>>"$dir.lock"
if ! flock -n "$lockfd"; then
	say "another build of $dir is running; waiting"
	flock "$lockfd"
fi
if [[ -e $dir/ok ]]; then
	echo "$tree"
	exit 0
fi

mkdir -p "$dir"
log=$dir/build.log
say "building the debug kernel in $dir (log: $log)"

# --- the source ------------------------------------------------------------------

if [[ ! -e $dir/src/.extracted ]]; then
	say "extracting $source_tar"
	rm -rf "$dir/src"
	mkdir -p "$dir/src"
	tar -xJf "$source_tar" -C "$dir/src" --strip-components=1
	touch "$dir/src/.extracted"
fi

kmake()
{
	nice -n 19 make -C "$dir/src" O="$tree" "$@"
}

# --- the config ------------------------------------------------------------------

# check_config CONFIG FRAGMENT: every value FRAGMENT sets is in CONFIG.
check_config()
{
	local config=$1 frag=$2 line name want have bad=""

	while IFS= read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			name=${BASH_REMATCH[1]}
			want=${BASH_REMATCH[2]}
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			name=${BASH_REMATCH[1]}
			want=""
		else
			continue
		fi
		have=$(sed -n "s/^$name=//p" "$config")
		if [[ $have != "$want" ]]; then
			bad+="  $name: asked for ${want:-not set}, got ${have:-not set}"$'\n'
		fi
	done <"$frag"
	if [[ -n $bad ]]; then
		printf '%s: Kconfig did not take these values of %s\n%s' \
			"$prog" "$frag" "$bad" >&2
		return 1
	fi
}

mkdir -p "$tree"
# The fragment is copied: the key was computed from this content.
cp "$fragment" "$dir/debug-kernel.config"
if [[ ! -e $dir/config.done ]]; then
	say "configuring"
	{
		kmake x86_64_defconfig
		"$dir/src/scripts/kconfig/merge_config.sh" -m -O "$tree" "$tree/.config" \
			"$dir/src/kernel/configs/kvm_guest.config" "$dir/debug-kernel.config"
		kmake olddefconfig
	} >>"$log" 2>&1 || { tail -n 30 "$log" >&2; die "configuring failed (see $log)"; }
	check_config "$tree/.config" "$dir/debug-kernel.config" ||
		die "fix scripts/debug-kernel.config (a dependency is missing, see $log)"
	touch "$dir/config.done"
fi

# --- the build --------------------------------------------------------------------

# make's output goes to the log; a line a minute says it is alive.
say "make -j$jobs bzImage modules at nice 19"
start=$SECONDS
kmake -j"$jobs" bzImage modules >>"$log" 2>&1 &
mpid=$!
trap 'kill -TERM "$mpid" 2>/dev/null; wait "$mpid"; exit 130' INT TERM HUP
while kill -0 "$mpid" 2>/dev/null; do
	for ((i = 0; i < 60; i++)); do
		sleep 1
		kill -0 "$mpid" 2>/dev/null || break
	done
	kill -0 "$mpid" 2>/dev/null || break
	say "building: $((SECONDS - start))s, $(grep -c '^  CC ' "$log") objects compiled so far"
done
if ! wait "$mpid"; then
	trap - INT TERM HUP
	grep -E 'error|Error' "$log" | tail -n 20 >&2 || true
	tail -n 20 "$log" >&2
	die "the kernel build failed (see $log)"
fi
trap - INT TERM HUP
built=$((SECONDS - start))

# modules_install runs depmod: the guest's modprobe then finds netconsole
# and, through modules.builtin, everything built in.
rm -rf "$tree/modroot"
kmake INSTALL_MOD_PATH="$tree/modroot" modules_install >>"$log" 2>&1 ||
	die "modules_install failed (see $log)"

release=$(<"$tree/include/config/kernel.release")
printf 'release %s\nbuilt_seconds %s\njobs %s\n' "$release" "$built" "$jobs" >"$dir/ok"
say "built $release in $((built / 60))m $((built % 60))s (${built}s, make -j$jobs, nice 19)"
echo "$tree"
