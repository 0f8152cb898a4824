# SPDX-License-Identifier: GPL-2.0
#
# vmux: one front door for the kernel module (Kbuild) and the userspace (CMake).
#
#   make              module + userspace
#   make check        dependencies, build (gcc and clang, and DKMS for every
#                     kernel flavour installed), unit tests, VM selftests on
#                     every supported kernel installed (or the one KDIR/KVER
#                     names); with CHECK_DEBUG=1 also DEBUG_TESTS on the
#                     debug kernel, which builds in the background meanwhile
#   make check-debug  the VM selftests on a KASAN + lockdep + kmemleak kernel
#   make demo         boot the VM and show vmux at work
#   make bench        instructions per packet, vmux against the in-kernel
#                     drivers, on every supported kernel (-icount VMs);
#                     writes build/bench/ and Documentation/performance.rst
#   make install      module (updates/vmux.ko) + CLI, man page, completion,
#                     ip plugins, <linux/vmux.h>: stripped, DESTDIR, PREFIX
#   make uninstall    removes exactly what make install installed
#   make deb          the Debian packages vmux and vmux-dkms, in build/deb/
#
# Knobs: KDIR (kernel build dir; default: see scripts/kdir.sh), KVER (the
# kernel the VM boots; default: KDIR's release; KVER alone implies its
# KDIR; either one limits "make check" to that kernel, but for its DKMS
# build, which covers every kernel installed), TESTS (selftest
# scripts to run, e.g. TESTS=vmux_vlan.sh), VM_TIMEOUT (s), KSFT_TIMEOUT (s per
# script), DEBUG_VM_TIMEOUT and DEBUG_KSFT_TIMEOUT (the same for
# check-debug), DEBUG_TESTS (check's debug tier), ONCE_TESTS (left to 6.12 with it), CHECK_DEBUG, DESTDIR, PREFIX, BUILD_TYPE, WERROR (ON: warnings are errors,
# as in CI; OFF: as a packager builds), CHECKPATCH_FLAGS (e.g. --strict),
# BENCH_ARGS (bench/guest.py's, e.g. "--only unicast --trials 1"),
# BENCH_GATE (0: make bench succeeds whatever the targets say).

# Computed once (a plain ?= would run the script at every expansion), and
# again by sub-makes if still empty: "make check" installs the headers first.
ifeq ($(KDIR),)
KDIR := $(shell KVER=$(KVER) scripts/kdir.sh 2>/dev/null)
endif
ifeq ($(KVER),)
KVER := $(shell KDIR=$(KDIR) scripts/kdir.sh --kver 2>/dev/null)
endif
export KDIR KVER

# "make check" tests the one kernel KDIR or KVER names, if either is given,
# else every supported kernel installed (scripts/kdir.sh --all), found when
# the recipe runs: "deps" may just have installed them.
CHECK_ONE := $(filter command line environment,$(origin KDIR) $(origin KVER))

BUILD_DIR  ?= build
BUILD_TYPE ?= RelWithDebInfo
WERROR     ?= ON
PREFIX     ?= /usr/local
DESTDIR    ?=
# The whole suite runs in one VM boot: room for every script's KSFT_TIMEOUT
# is not needed, room for the suite growing is.
VM_TIMEOUT ?= 3600
TESTS      ?=
JOBS       ?= 2
CHECKPATCH_FLAGS ?=

LINUX_SOURCE ?= /usr/src/linux-source-6.1.tar.xz
CHECKPATCH_DIR := $(BUILD_DIR)/checkpatch

VM_RUN := selftests/vm/run --timeout $(VM_TIMEOUT)

# The debug kernel is several times slower than Debian's under TCG.
DEBUG_VM_TIMEOUT   ?= 5400
DEBUG_KSFT_TIMEOUT ?= 1800
# make check's debug tier (CHECK_DEBUG=1, as CI runs it): the scripts that
# attack the module (failing allocations, hostile netlink, hostile frames),
# where KASAN, lockdep and kmemleak see what the stock kernels cannot. The
# debug kernel is a 6.1: on Debian's 6.1 the stock tier leaves these
# scripts to it. DEBUG_CHECK_ENV fits them in CI's time: one fail-nth round
# in 5 (which one turns with the day of the year), 10,000 random netlink
# messages as root and 2,000 in a user namespace instead of 20,000 each.
# vmux_lifecycle.sh is not in it, for time (README, "The debug kernel").
# The whole suite, every round, is "make check-debug".
DEBUG_TESTS ?= vmux_fuzz.sh vmux_faults.sh vmux_frames.sh
# Scripts that check a harness or userspace rather than the module (make
# bench's smoke run; the CLI's grammar, output and -batch, whose requests
# the kind scripts send on every kernel; vmux apply's reconciling, which
# sends what link add and link set send; vmux-cni, which does too, driven
# by libcni): with the debug tier, Debian's 6.1 leaves them to the newer
# kernel.
ONCE_TESTS ?= vmux_bench.sh vmux_cli.sh vmux_apply.sh vmux_cni.sh
DEBUG_CHECK_ENV ?= VMUX_FAULTS_STRIDE=5 VMUX_FAULTS_OFFSET=$(shell echo $$(($$(date +%-j) % 5 + 1))) \
		   VMUX_FUZZ_COUNT=10000 VMUX_FUZZ_USERNS_COUNT=2000
CHECK_DEBUG ?= 0
empty :=
space := $(empty) $(empty)
# vmux built against the debug kernel; kmod/vmux.ko stays the stock one's.
DEBUG_KMOD := $(abspath $(BUILD_DIR))/kmod-debug
# vmux built for KVER, for the selftests (see kmod_tree below).
KMOD_TREE := $(abspath $(BUILD_DIR))/kmod/$(KVER)

.PHONY: all kmod kmod-tree userspace userspace-clang unit selftest check demo bench install uninstall deb \
	clean deps checkpatch shellcheck kdir-check help kmod-debug check-debug dkms-check deb-check \
	dkms-source

all: kmod userspace

help:
	@sed -n 's/^#   //p' Makefile

deps:
	scripts/install-deps.sh $(if $(filter-out 0,$(CHECK_DEBUG)),--debug)

kdir-check:
	@test -n "$(KDIR)" && test -d "$(KDIR)" || { \
		echo "make: no kernel build directory (KDIR='$(KDIR)');" \
		     "install linux-headers-amd64 (scripts/install-deps.sh) or set KDIR" >&2; \
		exit 1; }

kmod: kdir-check
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# Kbuild builds an M= module in place, so a module for another kernel gets
# a tree of its own: symlinks to the sources (make sees a changed source
# through its link; a deleted one's link goes) and the objects beside them.
# The module's source: what Kbuild, dkms.conf and a vmux-dkms package need,
# no build products. The one list of it (kmod_tree, dkms-source).
KMOD_SOURCES := Kbuild VERSION kmod/Kbuild $(filter-out %.mod.c,$(wildcard kmod/*.c)) \
	$(wildcard kmod/*.h) include/uapi/linux/vmux.h

define kmod_tree
	@if [ -L $(1)/include ]; then rm $(1)/include; fi
	@mkdir -p $(1)/kmod $(1)/include/uapi/linux
	@find $(1) -xtype l -delete
	@for f in $(KMOD_SOURCES); do ln -sfn $(CURDIR)/$$f $(1)/$$f || exit 1; done
endef

# make dkms-source DEST=DIR: the module's source copied into DIR, as DKMS
# takes it (/usr/src/vmux-<version>/; debian/rules, scripts/dkms-check.sh).
dkms-source:
	@test -n "$(DEST)" || { echo "make dkms-source: DEST=DIR is required" >&2; exit 1; }
	@mkdir -p $(DEST)
	@cp --parents -t $(DEST) $(KMOD_SOURCES)

# The module as DKMS builds it (dkms.conf), for every kernel whose headers
# are installed, in a scratch DKMS tree: build/dkms/.
dkms-check:
	BUILD_DIR=$(BUILD_DIR) JOBS=$(JOBS) scripts/dkms-check.sh

# The selftests' module: one tree per kernel, build/kmod/<release>, so that
# kernels keep their own objects and kmod/vmux.ko may change while a run
# waits for the VM.
kmod-tree: kdir-check
	$(call kmod_tree,$(KMOD_TREE))
	$(MAKE) -C $(KDIR) M=$(KMOD_TREE) modules

CMAKE_FLAGS = -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DVMUX_WERROR=$(WERROR)

userspace:
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR) -j$(JOBS)

# The same with clang, in a tree of its own; CI builds with both
# compilers. Without precompiled headers: a file that forgets an #include
# fails here, not at a packager's who turns them off.
CLANG_BUILD_DIR ?= $(BUILD_DIR)/clang

userspace-clang:
	cmake -S . -B $(CLANG_BUILD_DIR) $(CMAKE_FLAGS) -DCMAKE_CXX_COMPILER=clang++ \
		-DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON
	cmake --build $(CLANG_BUILD_DIR) -j$(JOBS)

unit: userspace
	cd $(BUILD_DIR) && ctest --output-on-failure

# One VM boot of KVER for the whole suite, with vmux built for it; see
# selftests/run_all.sh.
selftest: userspace kmod-tree
	VMUX_KO=$(KMOD_TREE)/kmod/vmux.ko \
		$(VM_RUN) --kver $(KVER) -- selftests/run_all.sh $(TESTS)

# The gcc build comes first: without it nothing else can run. The clang
# build, the DKMS build, unit tests and selftests all run, so one run
# reports all; any failing fails the check. Each kernel's VM logs stay in
# build/vm/*-<release>.log.
# Every tier ends with "tier: NAME: passed|FAILED in N s", the build's too.
check: deps
	@t=$$(date +%s); rc=0; $(MAKE) all || rc=1; \
	echo "tier: build: $$([ $$rc = 0 ] && echo passed || echo FAILED) in $$(($$(date +%s) - t)) s"; \
	exit $$rc
	@rc=0; dpid=; \
	if [ "$(CHECK_DEBUG)" != 0 ]; then \
		echo "==== make check: the debug kernel builds at nice 19 meanwhile" \
		     "(scripts/debug-kernel.sh, log: $(BUILD_DIR)/debug-kernel.log)"; \
		scripts/debug-kernel.sh >$(BUILD_DIR)/debug-kernel.tree \
			2>$(BUILD_DIR)/debug-kernel.log & dpid=$$!; \
	fi; \
	t=$$(date +%s); r=passed; $(MAKE) userspace-clang || { rc=1; r=FAILED; }; \
	echo "tier: build (clang): $$r in $$(($$(date +%s) - t)) s"; \
	t=$$(date +%s); r=passed; $(MAKE) dkms-check || { rc=1; r=FAILED; }; \
	echo "tier: dkms build: $$r in $$(($$(date +%s) - t)) s"; \
	t=$$(date +%s); r=passed; $(MAKE) unit || { rc=1; r=FAILED; }; \
	echo "tier: unit tests: $$r in $$(($$(date +%s) - t)) s"; \
	if [ -n "$(CHECK_ONE)" ]; then \
		kvers=$(KVER); \
	else \
		kvers=$$(scripts/kdir.sh --all) || rc=1; \
	fi; \
	for k in $$kvers; do \
		tests="$(TESTS)"; \
		if [ -n "$$dpid" ] && [ -z "$$tests" ] && [ "$${k#6.1.}" != "$$k" ]; then \
			tests=$$(sed 's/#.*//' selftests/TESTS | \
				 grep -vxE '[[:space:]]*($(subst $(space),|,$(strip $(DEBUG_TESTS) $(ONCE_TESTS))))?[[:space:]]*' | tr '\n' ' '); \
			echo "==== make check: selftests on $$k, less $(DEBUG_TESTS) (the debug kernel's tier runs them) and $(ONCE_TESTS) (the newer kernel runs it)"; \
		else \
			echo "==== make check: selftests on $$k"; \
		fi; \
		t=$$(date +%s); r=passed; \
		if [ -n "$(CHECK_ONE)" ]; then \
			$(MAKE) selftest TESTS="$$tests" || { rc=1; r=FAILED; }; \
		else \
			$(MAKE) selftest KVER=$$k KDIR=/lib/modules/$$k/build TESTS="$$tests" || \
				{ rc=1; r=FAILED; }; \
		fi; \
		echo "tier: selftests on $$k: $$r in $$(($$(date +%s) - t)) s"; \
		for f in console dmesg; do \
			cp -f build/vm/$$f.log build/vm/$$f-$$k.log 2>/dev/null; \
		done; \
	done; \
	if [ -n "$$dpid" ]; then \
		echo "==== make check: selftests on the debug kernel: $(DEBUG_TESTS)"; \
		t=$$(date +%s); r=passed; \
		if wait $$dpid; then \
			b=$$(sed -n 's/.*built .* in .*(\([0-9]*\)s, .*/\1/p' $(BUILD_DIR)/debug-kernel.log); \
			if [ -n "$$b" ]; then how="built in $$b s"; else how=cached; fi; \
			echo "tier: debug kernel: passed, $$how," \
			     "ready $$(($$(date +%s) - t)) s after the tiers above"; \
			t=$$(date +%s); \
			echo "==== make check: debug tier with $(strip $(DEBUG_CHECK_ENV))"; \
			env $(DEBUG_CHECK_ENV) $(MAKE) check-debug TESTS="$(DEBUG_TESTS)" || \
				{ rc=1; r=FAILED; }; \
			for f in console dmesg; do \
				cp -f build/vm/$$f.log build/vm/$$f-debug.log 2>/dev/null; \
			done; \
		else \
			tail -n 20 $(BUILD_DIR)/debug-kernel.log; \
			echo "tier: debug kernel: FAILED in $$(($$(date +%s) - t)) s after the tiers above"; \
			rc=1; r=FAILED; \
		fi; \
		echo "tier: selftests on the debug kernel: $$r in $$(($$(date +%s) - t)) s"; \
	fi; \
	exit $$rc

# The debug build gets a tree of its own too (kmod_tree).
# scripts/debug-kernel.sh builds the kernel the first time (about 20
# minutes) and prints its tree after.
kmod-debug:
	$(call kmod_tree,$(DEBUG_KMOD))
	scripts/debug-kernel.sh >$(DEBUG_KMOD)/kdir
	$(MAKE) -C "$$(cat $(DEBUG_KMOD)/kdir)" M=$(DEBUG_KMOD) modules

# The suite in one boot of the debug kernel, with its own module; run_all.sh
# adds the kmemleak and lockdep checks there.
check-debug: userspace kmod-debug
	VMUX_KO=$(DEBUG_KMOD)/kmod/vmux.ko KSFT_TIMEOUT=$(DEBUG_KSFT_TIMEOUT) \
		selftests/vm/run --timeout $(DEBUG_VM_TIMEOUT) \
		--kdir "$$(cat $(DEBUG_KMOD)/kdir)" -- selftests/run_all.sh $(TESTS)

demo: deps
	$(MAKE) all
	$(VM_RUN) -- selftests/demo.sh

# One -icount boot per supported kernel (or the one KVER/KDIR names), vmux
# built for it; bench/guest.py measures, bench/report.py writes the table,
# the charts and Documentation/performance.rst, and fails on a MISS unless
# BENCH_GATE=0. Not part of "make check": its smoke run is (vmux_bench.sh).
BENCH_DIR := $(BUILD_DIR)/bench
BENCH_ARGS ?=
BENCH_GATE ?= 1
BENCH_TIMEOUT ?= 5400

bench: userspace
	@scripts/install-deps.sh --bench --check >/dev/null || scripts/install-deps.sh --bench
	@mkdir -p $(BENCH_DIR)
	@rm -f $(BENCH_DIR)/*.json
	@if [ -n "$(CHECK_ONE)" ]; then kvers=$(KVER); else kvers=$$(scripts/kdir.sh --all); fi; \
	for k in $$kvers; do \
		$(MAKE) kmod-tree KVER=$$k KDIR=/lib/modules/$$k/build || exit 1; \
		t=$$(date +%s); \
		VMUX_KO=$(abspath $(BUILD_DIR))/kmod/$$k/kmod/vmux.ko \
			selftests/vm/run --icount --timeout $(BENCH_TIMEOUT) --kver $$k -- \
			bench/guest.py --out $(BENCH_DIR)/$$k.json $(BENCH_ARGS) || exit 1; \
		echo "bench: $$k measured in $$(($$(date +%s) - t)) s"; \
	done
	bench/report.py $(BENCH_DIR)/*.json --md $(BENCH_DIR)/bench.md \
		--charts Documentation/images --rst Documentation/performance.rst \
		$(if $(filter 0,$(BENCH_GATE)),--no-gate)
	@echo "bench: $(BENCH_DIR)/bench.md, Documentation/performance.rst"

# Debian's header packages carry no signing key: sign on install only when
# the tree has one (sign-file would fail, noisily and harmlessly).
SIGN_KEY := $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\(.*\)"/\1/p' $(KDIR)/.config 2>/dev/null)
NOSIGN := $(if $(and $(SIGN_KEY),$(wildcard $(KDIR)/$(SIGN_KEY))),,CONFIG_MODULE_SIG_ALL=)

# make install: the module, stripped, as /lib/modules/$(KVER)/updates/vmux.ko
# (DKMS's goes to updates/dkms/), built in a tree of its own whose M= is
# kmod/ itself, so that no kmod/ directory lands under updates/; then
# the CLI, its man page and completion, the ip plugins and <linux/vmux.h>,
# stripped, under PREFIX (the plugins where ip looks for them). DESTDIR
# stages it all. make uninstall removes exactly that: the module and what
# cmake's install_manifest.txt lists.
# modules_install skips depmod without System.map (header packages have
# none): run it ourselves, unless staging into DESTDIR (the package's job).
INSTALL_TREE := $(abspath $(BUILD_DIR))/install/$(KVER)
INSTALLED_KO = $(DESTDIR)/lib/modules/$(KVER)/updates/vmux.ko
install: userspace kdir-check
	$(call kmod_tree,$(INSTALL_TREE))
	$(MAKE) -C $(KDIR) M=$(INSTALL_TREE)/kmod modules
	$(MAKE) -C $(KDIR) M=$(INSTALL_TREE)/kmod $(NOSIGN) INSTALL_MOD_DIR=updates \
		INSTALL_MOD_STRIP=1 modules_install $(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR))
	$(if $(DESTDIR),,depmod -a $(KVER))
	DESTDIR=$(DESTDIR) cmake --install $(BUILD_DIR) --prefix $(PREFIX) --strip

# make deb: the Debian packages vmux and vmux-dkms (debian/), as
# dpkg-buildpackage -us -uc -b builds them, from the working tree's tracked
# files copied to build/deb/vmux-<version>/ (the .debs land in build/deb/);
# then lintian, which fails it on an error.
VMUX_VERSION := $(shell cat VERSION)
DEB_DIR := $(abspath $(BUILD_DIR))/deb
# make deb-check: make deb, then install both packages on this machine (as
# root), check DKMS's modules, boot 6.1 and 6.12 in the VM to load them,
# purge, and check nothing is left (scripts/deb-check.sh).
deb-check: deb
	BUILD_DIR=$(BUILD_DIR) scripts/deb-check.sh

deb:
	@scripts/install-deps.sh --deb --check >/dev/null || scripts/install-deps.sh --deb
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/vmux-$(VMUX_VERSION)
	git ls-files -z | tar --null -T - -c | tar -x -C $(DEB_DIR)/vmux-$(VMUX_VERSION)
	cd $(DEB_DIR)/vmux-$(VMUX_VERSION) && dpkg-buildpackage -us -uc -b
	lintian --fail-on error --info $(DEB_DIR)/vmux_$(VMUX_VERSION)_*.changes

uninstall:
	rm -f $(wildcard $(INSTALLED_KO) $(INSTALLED_KO).xz $(INSTALLED_KO).zst $(INSTALLED_KO).gz)
	$(if $(DESTDIR),,depmod -a $(KVER))
	@test -r $(BUILD_DIR)/install_manifest.txt || { \
		echo "make uninstall: no $(BUILD_DIR)/install_manifest.txt: nothing was installed from this build" >&2; exit 1; }
	sed 's|^|$(DESTDIR)|' $(BUILD_DIR)/install_manifest.txt | xargs -d '\n' rm -fv
	rm -f $(BUILD_DIR)/install_manifest.txt

clean:
	@if test -n "$(KDIR)" && test -d "$(KDIR)"; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -rf $(BUILD_DIR)

# checkpatch.pl comes from Debian's linux-source-6.1 tarball, unpacked once.
$(CHECKPATCH_DIR)/scripts/checkpatch.pl:
	@test -r $(LINUX_SOURCE) || { \
		echo "make: $(LINUX_SOURCE) is missing: apt-get install linux-source-6.1" \
		     "(scripts/install-deps.sh --dev)" >&2; exit 1; }
	mkdir -p $(CHECKPATCH_DIR)
	tar -xJf $(LINUX_SOURCE) -C $(CHECKPATCH_DIR) --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
	touch $@

# kmod/compat.h is the one file that tests kernel versions: out of tree,
# that is its job.
checkpatch: $(CHECKPATCH_DIR)/scripts/checkpatch.pl
	$(CHECKPATCH_DIR)/scripts/checkpatch.pl --no-tree -f $(CHECKPATCH_FLAGS) \
		$(filter-out %.mod.c,$(wildcard kmod/*.c)) $(filter-out kmod/compat.h,$(wildcard kmod/*.h))
	$(CHECKPATCH_DIR)/scripts/checkpatch.pl --no-tree -f $(CHECKPATCH_FLAGS) \
		--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON kmod/compat.h

shellcheck:
	shellcheck -x scripts/*.sh selftests/*.sh selftests/vm/run selftests/vm/guest.sh \
		selftests/vm/init-9p .ci/run
	shellcheck -s sh selftests/vm/init
