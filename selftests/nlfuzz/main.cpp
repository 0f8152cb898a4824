// SPDX-License-Identifier: GPL-2.0
//
// vmux-nlfuzz: a netlink fuzzer for the vmux link kinds. Phase 1 walks a
// table of attacks on every attribute; phase 2 sends seeded random
// mutations of valid requests. Every request goes through the oracles of
// oracle.hpp. Run it in a network namespace of its own (it creates and
// deletes devices there), as root or as root of a user namespace.
//
// Exit status: 0 every oracle held, 1 an oracle failed, 2 usage or setup.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <getopt.h>
#include <net/if.h>
#include <random>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "mutator.hpp"
#include "oracle.hpp"
#include "table.hpp"

using namespace nlfuzz;

namespace {

const char usage[] =
	"Usage: vmux-nlfuzz --lower DEV [OPTIONS]\n"
	"\n"
	"Phases (all three without any):\n"
	"  --table             table-driven attacks on every attribute of every kind\n"
	"  --rx-flags          a child's PROMISC/ALLMULTI/UP in every order, on a dummy:\n"
	"                      its lower must be as it was once the child is gone\n"
	"  --random            seeded random mutations of valid requests\n"
	"  --seed N|random     the random phase's seed (default 0x766d7578: a fixed\n"
	"                      one, for runs that repeat; random: a new one, printed)\n"
	"  --count N           random messages to send (default 20000)\n"
	"  --only K            replay: generate messages 0..K, send only message K\n"
	"  --batch N           delete what accepted requests made N at a time (default\n"
	"                      10, in a group of their own; 0: each at once)\n"
	"\n"
	"The devices (names in this netns):\n"
	"  --lower DEV         an Ethernet lower (a dummy): most requests use it\n"
	"  --spare DEV         an Ethernet lower no other vmux device may use\n"
	"  --lo DEV --tun DEV  a loopback and an L3 device: refused as lowers\n"
	"  --vlan DEV          an in-kernel 8021q vlan, as a lower\n"
	"  --vmux DEV          a vmux device, as a lower\n"
	"  --foreign-ifindex N an ifindex that exists only in another netns\n"
	"  --foreign-nsid N    the IFLA_LINK_NETNSID of that netns (root only)\n"
	"  --foreign-child DEV a vmux device of a lower we may not change (repeat)\n"
	"\n"
	"  --report N          list at most N refusals without extack (default 50)\n"
	"  --stats             print how often each answer came back\n"
	"  -v, --verbose       print every request's outcome\n";

// The random phase's default seed: fixed, so that a run repeats the last.
constexpr std::uint64_t default_seed = 0x766d7578;	// "vmux"

struct Options {
	bool table = false, rxflags = false, random = false, verbose = false, stats = false;
	std::uint64_t seed = default_seed;
	bool random_seed = false;
	std::uint64_t count = 20000;
	long only = -1;
	unsigned report = 50;
	unsigned batch = 10;
	Env env;
};

int ifindex_of(const char *name)
{
	unsigned i = if_nametoindex(name);

	if (!i)
		throw std::invalid_argument(fmt::format("no device \"{}\" in this netns", name));
	return int(i);
}

std::uint64_t number(const char *s)
{
	char *end;
	unsigned long long v = std::strtoull(s, &end, 0);

	if (!*s || *end)
		throw std::invalid_argument(fmt::format("\"{}\" is not a number", s));
	return v;
}

Options parse(int argc, char **argv)
{
	enum { TABLE = 256, RXFLAGS, RANDOM, SEED, COUNT, ONLY, LOWER, SPARE, LO, TUN, VLAN_, VMUX,
	       FIDX, FNSID, FCHILD, REPORT, STATS, BATCH };
	static const option longopts[] = {
		{"table", no_argument, nullptr, TABLE},
		{"rx-flags", no_argument, nullptr, RXFLAGS},
		{"random", no_argument, nullptr, RANDOM},
		{"seed", required_argument, nullptr, SEED},
		{"count", required_argument, nullptr, COUNT},
		{"only", required_argument, nullptr, ONLY},
		{"lower", required_argument, nullptr, LOWER},
		{"spare", required_argument, nullptr, SPARE},
		{"lo", required_argument, nullptr, LO},
		{"tun", required_argument, nullptr, TUN},
		{"vlan", required_argument, nullptr, VLAN_},
		{"vmux", required_argument, nullptr, VMUX},
		{"foreign-ifindex", required_argument, nullptr, FIDX},
		{"foreign-nsid", required_argument, nullptr, FNSID},
		{"foreign-child", required_argument, nullptr, FCHILD},
		{"report", required_argument, nullptr, REPORT},
		{"stats", no_argument, nullptr, STATS},
		{"batch", required_argument, nullptr, BATCH},
		{"verbose", no_argument, nullptr, 'v'},
		{"help", no_argument, nullptr, 'h'},
		{},
	};
	Options o;
	int c;

	while ((c = getopt_long(argc, argv, "vh", longopts, nullptr)) != -1) {
		switch (c) {
		case TABLE: o.table = true; break;
		case RXFLAGS: o.rxflags = true; break;
		case RANDOM: o.random = true; break;
		case SEED:
			o.random_seed = std::string(optarg) == "random";
			if (!o.random_seed)
				o.seed = number(optarg);
			break;
		case COUNT: o.count = number(optarg); break;
		case ONLY: o.only = long(number(optarg)); break;
		case LOWER: o.env.lower = ifindex_of(optarg); break;
		case SPARE: o.env.spare = ifindex_of(optarg); break;
		case LO: o.env.lo = ifindex_of(optarg); break;
		case TUN: o.env.tun = ifindex_of(optarg); break;
		case VLAN_: o.env.vlan8021q = ifindex_of(optarg); break;
		case VMUX: o.env.vmux_lower = ifindex_of(optarg); break;
		case FIDX: o.env.foreign_ifindex = int(number(optarg)); break;
		case FNSID: o.env.foreign_nsid = int(number(optarg)); break;
		case FCHILD: o.env.foreign_children.push_back(ifindex_of(optarg)); break;
		case REPORT: o.report = unsigned(number(optarg)); break;
		case STATS: o.stats = true; break;
		case BATCH: o.batch = unsigned(number(optarg)); break;
		case 'v': o.verbose = true; break;
		case 'h': std::fputs(usage, stdout); std::exit(0);
		default: throw std::invalid_argument("see --help");
		}
	}
	if (optind < argc)
		throw std::invalid_argument(fmt::format("unexpected argument \"{}\"", argv[optind]));
	if (!o.env.lower)
		throw std::invalid_argument("--lower is required");
	if (o.env.foreign_ifindex && if_indextoname(unsigned(o.env.foreign_ifindex), std::string(IF_NAMESIZE, 0).data()))
		throw std::invalid_argument(fmt::format("--foreign-ifindex {} exists in this netns",
							o.env.foreign_ifindex));
	if (!o.table && !o.rxflags && !o.random)
		o.table = o.rxflags = o.random = true;
	if (o.random_seed)
		o.seed = (std::uint64_t(std::random_device{}()) << 32) | std::random_device{}();
	return o;
}

void summary(Fuzzer &f, const std::string &phase, double secs, const Options &o,
	     const std::string &extra)
{
	const Stats &s = f.stats();
	std::string rules;
	std::uint64_t unexplained = f.unexplained().size();
	unsigned report = o.report;

	if (o.stats) {
		std::vector<std::pair<std::uint64_t, std::string>> v;

		for (const auto &[what, n] : s.outcomes)
			v.push_back({n, what});
		std::sort(v.rbegin(), v.rend());
		fmt::print("nlfuzz: {}: the answers ({} different):\n", phase, v.size());
		for (const auto &[n, what] : v)
			fmt::print("  {:6} {}\n", n, what);
		fmt::print("nlfuzz: {}: refusals without extack excused as the core's, by rule:\n", phase);
		for (const auto &[id, ex] : s.rule_example)
			fmt::print("  {} ({}): {}\n    e.g. {}: {}\n", id, s.noext_by_rule.at(id),
				   ex.first, ex.second.first, hex(ex.second.second));
	}

	for (const auto &[id, n] : s.noext_by_rule)
		rules += fmt::format("{}{} {}", rules.empty() ? "" : ", ", id, n);
	if (unexplained) {
		fmt::print("Refusals without an extack message that no core rule explains ({}):\n",
			   unexplained);
		unsigned n = 0;
		for (const Unexplained &u : f.unexplained()) {
			if (n++ == report) {
				fmt::print("  ... {} more\n", unexplained - report);
				break;
			}
			fmt::print("  {}: {}{}\n    request: {}\n", u.label, errno_name(u.error),
				   u.vmux_reached ? " (vmux: every core check passed)" : "", hex(u.bytes));
		}
	}
	fmt::print("nlfuzz: {}:{} sent {}, accepted {}, refused {}, refused without extack {} "
		   "(core: {}{}{}; unexplained: {}), devices created {}, deleted {}, "
		   "oracle failures {}, {:.1f} s, {:.0f} requests/s (requests {:.1f} s, dumps {:.1f} s, "
		   "deletes {:.1f} s, the oracle {:.1f} s, making requests {:.1f} s)\n",
		   phase, extra, s.sent, s.accepted, s.refused, s.noext,
		   s.noext - unexplained, rules.empty() ? "" : " = ", rules, unexplained,
		   s.created, s.deleted, s.failures, secs, secs > 0 ? double(s.sent) / secs : 0.0,
		   s.t_request.count(), s.t_dump.count(), s.t_delete.count(),
		   s.t_oracle.count(), s.t_generate.count());
	std::fflush(stdout);
}

Targets targets(const Fuzzer &f)
{
	const Env &e = f.env();
	Targets t;
	auto add = [&](int i, int weight) {
		for (int k = 0; i && k < weight; k++)
			t.lowers.push_back(i);
	};

	add(e.lower, 10);
	add(e.spare, 1);
	add(e.vlan8021q, 2);
	add(e.vmux_lower, 2);
	add(e.lo, 1);
	add(e.tun, 1);
	add(e.foreign_ifindex, 1);
	for (const auto &c : f.children()) {
		add(c.ifindex, 1);
		t.children.push_back({c.ifindex, c.kind});
		if (const Link *l = f.snapshot().by_index(c.ifindex))
			t.our_names.push_back(l->name);
	}
	for (int fc : e.foreign_children) {
		add(fc, 1);
		if (const Link *l = f.snapshot().by_index(fc); l && l->vmux)
			t.children.push_back({fc, *l->vmux});
	}
	t.spare = e.spare;
	t.foreign_nsid = e.foreign_nsid;
	return t;
}

void run_random(Fuzzer &f, const Options &o)
{
	Rng rng(o.seed);
	auto start = Clock::now();
	std::uint64_t last = std::uint64_t(o.only >= 0 ? o.only + 1 : 0);
	std::uint64_t n = o.only >= 0 ? last : o.count;

	fmt::print("nlfuzz: random phase: seed {:#x}, {} messages (replay: --random --seed {:#x} "
		   "--count {})\n", o.seed, o.only >= 0 ? 1 : o.count, o.seed, o.count);
	std::fflush(stdout);
	for (std::uint64_t i = 0; i < n; i++) {
		auto t0 = Clock::now();
		Targets t = targets(f);
		std::string desc;
		std::optional<Encoded> enc = random_message(rng, t, f.fresh_name("nr"), desc);

		f.stats().t_generate += Clock::now() - t0;
		if (!enc || (o.only >= 0 && std::int64_t(i) != o.only))
			continue;
		f.step(fmt::format("random #{} {}", i, desc), std::move(*enc), Expect::Any, 0, false);
		if ((i + 1) % 2000 == 0) {
			double secs = std::chrono::duration<double>(Clock::now() - start).count();
			fmt::print("nlfuzz: random: {} sent, {:.1f} s\n", i + 1, secs);
			std::fflush(stdout);
		}
	}
}

} // namespace

int main(int argc, char **argv)
{
	Options o;

	try {
		o = parse(argc, argv);
	} catch (const std::exception &e) {
		fmt::print(stderr, "vmux-nlfuzz: {}\n{}", e.what(), usage);
		return 2;
	}
	std::setvbuf(stdout, nullptr, _IOLBF, 0);

	std::uint64_t failures = 0;
	try {
		Fuzzer f(o.env, o.verbose);

		f.setup();
		// One phase: its summary line, its failures counted, a fresh count
		// for the next (a vmux refusal without message in the table is a
		// failure: step counted it).
		auto phase = [&](const char *name, const std::string &extra, auto &&run) {
			auto t0 = Clock::now();

			run();
			summary(f, name, std::chrono::duration<double>(Clock::now() - t0).count(), o,
				extra);
			failures += f.stats().failures;
			f.reset_stats();
		};
		if (o.table)
			phase("table", "", [&] { run_table(f); });
		if (o.rxflags)
			phase("rx-flags", "", [&] { run_rx_flags(f); });
		if (o.random) {
			phase("random", fmt::format(" seed {:#x},", o.seed), [&] {
				f.batch_deletes(o.batch);
				run_random(f, o);
				f.finish();
			});
		} else {
			f.finish();
		}
		failures += f.stats().failures;
	} catch (const std::exception &e) {
		fmt::print("nlfuzz: ERROR: {}\n", e.what());
		return 2;
	}
	fmt::print("nlfuzz: {}\n", failures ? fmt::format("FAIL ({} oracle failures)", failures)
					    : std::string("PASS"));
	return failures ? 1 : 0;
}
