#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build vmux with DKMS the way a vmux-dkms package is built on a user's
# machine (dkms.conf, "dkms add" + "dkms build"), for every kernel whose
# headers are installed (/lib/modules/<release>/build), or for the releases
# named. A kernel dkms.conf supports (BUILD_EXCLUSIVE_KERNEL) must build
# without a warning; any other must be refused, as dkms refuses it (exit
# status 77). Also checks BUILD_EXCLUSIVE_KERNEL against a table of
# releases, and that dkms.conf takes its version from VERSION.
#
#   scripts/dkms-check.sh [RELEASE...]
#
# Nothing is installed and the host's DKMS tree is not touched: the source
# tree, the DKMS tree and the module signing key are scratch, in
# build/dkms/ (BUILD_DIR), where each kernel's make.log stays. JOBS: make's
# parallel jobs (default 2).

set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$top"
work=${BUILD_DIR:-build}/dkms
work=$(mkdir -p "$work" && cd "$work" && pwd -P)
jobs=${JOBS:-2}

fail()
{
	echo "dkms-check: $*" >&2
	exit 1
}

command -v dkms >/dev/null || fail "dkms is not installed (scripts/install-deps.sh)"

# dkms.conf is shell; dkms sources it with these set.
read -r name conf_version exclusive < <(
	kernel_source_dir=/nonexistent dkms_tree=/nonexistent
	. ./dkms.conf
	echo "$PACKAGE_NAME $PACKAGE_VERSION $BUILD_EXCLUSIVE_KERNEL"
)
# The version is written in where the source is installed, as dh_dkms -V.
[[ $conf_version == "#MODULE_VERSION#" ]] ||
	fail "dkms.conf says PACKAGE_VERSION=\"$conf_version\": it must be \"#MODULE_VERSION#\" (VERSION is the one version)"
version=$(<VERSION)
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "VERSION says '$version': MAJOR.MINOR.PATCH"

# What BUILD_EXCLUSIVE_KERNEL must accept and refuse, matched as dkms
# matches it: [[ $kernelver =~ $BUILD_EXCLUSIVE_KERNEL ]].
supported=(6.1.0-57-amd64 6.1.0-57-cloud-amd64 6.1.0-57-rt-amd64 6.1.0-0.deb11.21-amd64
	   6.1.0 6.12.117+deb12-amd64 6.12.117+deb12-cloud-amd64
	   6.12.117+deb12-rt-amd64 6.12.57+deb13-amd64 6.12.0-rc1)
unsupported=(6.10.14-amd64 6.11.10+bpo-amd64 6.13.0-rc1 6.16.3+deb13-amd64 6.0.12-amd64
	     6.6.0 6.2.0 5.10.0-30-amd64 16.1.0 6.120.0)
for r in "${supported[@]}"; do
	[[ $r =~ $exclusive ]] || fail "BUILD_EXCLUSIVE_KERNEL=\"$exclusive\" refuses $r"
done
for r in "${unsupported[@]}"; do
	[[ ! $r =~ $exclusive ]] || fail "BUILD_EXCLUSIVE_KERNEL=\"$exclusive\" accepts $r"
done

if (($#)); then
	kernels=("$@")
else
	mapfile -t kernels < <(scripts/kdir.sh --headers)
	# A release dkms must refuse, headers or none: it stops before
	# looking for them.
	kernels+=(6.11.0-1-amd64)
fi

# The source tree a vmux-dkms package puts in /usr/src/vmux-<version>/:
# what dkms.conf and Kbuild need, no build products.
rm -rf "$work"/src "$work"/tree "$work"/log
src=$work/src/$name-$version
mkdir -p "$work"/tree "$work"/log
make --no-print-directory -s dkms-source DEST="$src"
sed "s/#MODULE_VERSION#/$version/" dkms.conf >"$src"/dkms.conf

dkms_opts=(-m "$name" -v "$version" --sourcetree "$work"/src --dkmstree "$work"/tree)
# Debian's dkms signs what it builds, with /var/lib/dkms/mok.key, which it
# generates if missing: give it a scratch key instead (generated once).
export mok_signing_key=$work/mok.key mok_certificate=$work/mok.pub

dkms add "${dkms_opts[@]}" >"$work"/log/add.log 2>&1 ||
	{ cat "$work"/log/add.log >&2; fail "dkms add failed"; }

rc=0
tried=0
built=()
refused=()
for k in "${kernels[@]}"; do
	log=$work/log/$k
	t=$SECONDS
	status=0
	dkms build "${dkms_opts[@]}" -k "$k" -j "$jobs" >"$log".dkms 2>&1 || status=$?
	if [[ ! $k =~ $exclusive ]]; then
		if ((status == 77)); then
			refused+=("$k")
			echo "dkms-check: $k: refused (BUILD_EXCLUSIVE_KERNEL), as it should be"
		else
			echo "dkms-check: $k: dkms build exited $status, not 77:" \
			     "BUILD_EXCLUSIVE_KERNEL did not refuse it" >&2
			cat "$log".dkms >&2
			rc=1
		fi
		continue
	fi
	tried=$((tried + 1))
	# make.log: in the kernel's directory after a build, else in build/.
	: >"$log".make.log
	for f in "$work"/tree/"$name"/"$version"/"$k"/*/log/make.log \
		 "$work"/tree/"$name"/"$version"/build/make.log; do
		if [[ -f $f ]]; then
			cp "$f" "$log".make.log
			break
		fi
	done
	if ((status != 0)); then
		echo "dkms-check: $k: dkms build FAILED ($status)" >&2
		cat "$log".dkms "$log".make.log >&2
		rc=1
		continue
	fi
	if grep -i 'warning' "$log".make.log >&2; then
		echo "dkms-check: $k: built, with the warnings above" >&2
		rc=1
		continue
	fi
	ko=$(compgen -G "$work/tree/$name/$version/$k/*/module/$name.ko*" | head -n 1) || ko=
	if [[ -z $ko ]]; then
		echo "dkms-check: $k: dkms build succeeded but left no $name.ko" >&2
		rc=1
		continue
	fi
	# modinfo reads .ko.xz too; the module's version is VERSION's.
	if [[ $(modinfo -F version "$ko") != "$version" ]]; then
		echo "dkms-check: $k: $ko says version '$(modinfo -F version "$ko")', VERSION $version" >&2
		rc=1
		continue
	fi
	built+=("$k")
	echo "dkms-check: $k: built, no warnings ($((SECONDS - t)) s)"
done

if ((tried == 0)); then
	echo "dkms-check: no supported kernel's headers installed (scripts/install-deps.sh)" >&2
	rc=1
fi
echo "dkms-check: built for ${#built[@]} kernels (${built[*]}), refused ${#refused[@]}" \
     "(${refused[*]}); logs in $work/log"
exit $rc
