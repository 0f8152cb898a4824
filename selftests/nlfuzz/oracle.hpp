// SPDX-License-Identifier: GPL-2.0
//
// Sends one request and judges what came back:
//   - a refusal carries an errno and an extack message, unless the refusal
//     is one the 6.1 core sends without a message (core_refusal(): each
//     case by errno and the condition that produces it, with the reason);
//   - a refusal leaves the netns's devices as they were: none made, none
//     gone and, for a create or a refusal by the kind, none changed;
//   - what an accepted request created is deleted again;
//   - after each step the whole RTM_GETLINK dump parses and holds the
//     invariants of links.hpp, the fuzzer's children still hang off their
//     lower, and (user namespace) the children of a lower the caller does
//     not own keep their port state.

#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kview.hpp"
#include "links.hpp"
#include "request.hpp"
#include "socket.hpp"

namespace nlfuzz {

using Clock = std::chrono::steady_clock;

// The devices the fuzzer is given (ifindexes in its netns; 0: none).
struct Env {
	int lower = 0;		// an Ethernet device (dummy): the usual lower
	int spare = 0;		// an Ethernet device no vmux device may use but ours
	int lo = 0;
	int tun = 0;		// an L3 device (ARPHRD_NONE)
	int vlan8021q = 0;	// an in-kernel 8021q vlan
	int vmux_lower = 0;	// a vmux device, as a lower
	int foreign_ifindex = 0;	// an ifindex that exists only in another netns
	int foreign_nsid = -1;		// IFLA_LINK_NETNSID of the netns holding it
	std::vector<int> foreign_children;	// vmux devices of a lower we do not own
};

enum class Expect { Any, Accept, Refuse };

// A refusal without extack that no rule explains.
struct Unexplained {
	std::string label;
	int error;
	bool vmux_reached;	// every core check passed: the refusal is vmux's
	Bytes bytes;
};

struct Stats {
	std::uint64_t sent = 0, accepted = 0, refused = 0;
	std::uint64_t noext = 0;		// refusals without extack
	std::map<std::string, std::uint64_t> noext_by_rule;
	// Per rule: why, and the first request it excused (label, bytes).
	std::map<std::string, std::pair<std::string, std::pair<std::string, Bytes>>> rule_example;
	std::uint64_t created = 0, deleted = 0;
	std::uint64_t failures = 0;
	std::map<std::string, std::uint64_t> outcomes;	// "EINVAL: message" -> count
	// Where the time goes: requests, dumps, deleting what they made.
	std::chrono::duration<double> t_request{}, t_dump{}, t_delete{}, t_step{}, t_generate{};
	// t_step less the requests, dumps and deletes made within it
	std::chrono::duration<double> t_oracle{};
};

struct Outcome {
	Reply reply;
	std::vector<int> created;	// ifindexes an accepted create made (deleted again)
};

struct Rule {
	const char *id;
	const char *why;
};

// The refusals 6.1's rtnetlink sends without an extack message.
std::optional<Rule> core_refusal(const KView &v, const Snapshot &s, int error);
// True when a request passed every check of the core before the kind's
// validate/newlink/changelink: a refusal without message is then vmux's.
bool vmux_reached(const KView &v, const Snapshot &s);
// True when a refusal of the request must leave every device as it was:
// a create, or vmux_reached().
bool changes_nothing(const KView &v, const Snapshot &s);

class Fuzzer {
public:
	Fuzzer(Env env, bool verbose);

	// Creates the fuzzer's own children (changelink targets), one per
	// kind and macvlan family, on env.lower; deletes them in finish().
	void setup();
	// Deletes the fuzzer's devices; the netns must hold what it held
	// before setup().
	void finish();

	// One request through every oracle. @strict: a refusal without extack
	// that no rule explains is a failure (else counted and listed, a
	// failure only if vmux_reached()).
	Outcome step(const std::string &label, Encoded enc, Expect expect = Expect::Any,
		     int want_error = 0, bool strict = true);
	Outcome step(const std::string &label, const Request &req, Expect expect = Expect::Any,
		     int want_error = 0, bool strict = true)
	{
		return step(label, req.encode(), expect, want_error, strict);
	}

	// Records an oracle failure (printed at once).
	void fail(const std::string &label, const std::string &why, const Bytes *bytes = nullptr);

	const Env &env() const noexcept { return env_; }
	const Snapshot &snapshot() const noexcept { return snap_; }
	Stats &stats() noexcept { return stats_; }
	const std::vector<Unexplained> &unexplained() const noexcept { return unexplained_; }
	void reset_stats();

	// The fuzzer's own children: kind -> ifindex.
	struct Child {
		int ifindex;
		KindId kind;
		std::string what;	// "vlan", "macvlan bridge", ...
	};
	const std::vector<Child> &children() const noexcept { return children_; }
	// Delete what requests made in batches of @n (0: one by one).
	void batch_deletes(unsigned n) { batch_ = n; }
	// A device of the fuzzer's for a while (not deleted by step()); 0 if
	// the request failed (a failure is recorded).
	// @must: a refusal is a failure.
	int make(const std::string &label, const Request &req, bool must = true);
	void unmake(const std::string &label, int ifindex);
	void refresh(const std::string &label);		// dump again
	// "promiscuity N [PROMISC] [ALLMULTI]": what a device's uppers made of
	// its receive filter.
	std::string rx_state(int ifindex) const;
	std::optional<std::uint32_t> sysfs_flags(const Link &l) const;
	std::string fresh_name(const char *prefix);
	int lower_mtu() const;

private:
	Snapshot dump(const std::string &label);
	void check_invariants(const std::string &label, const Snapshot &s);
	bool remove(const std::string &label, int ifindex);
	bool clear_rx_flags(const Snapshot &s, int ifindex);
	bool defer_delete(const std::string &label, int ifindex, Snapshot &after);
	void flush(const std::string &label, Snapshot &after);

	static constexpr std::uint32_t linger_group = 0x6e6c667a;	// "nlfz"

	Socket sock_;
	Env env_;
	bool verbose_;
	Snapshot snap_;
	std::vector<int> baseline_;		// ifindexes before setup()
	std::vector<Child> children_;
	std::map<int, int> child_lower_;	// our children's lowers, fixed
	std::map<int, Link> foreign_state_;	// the foreign children as given
	std::map<int, std::string> lowers_state_;	// rx_state() of the lowers we are given
	std::vector<Unexplained> unexplained_;
	Stats stats_;
	std::set<std::string> reported_;	// failures of state: said once
	unsigned batch_ = 0;
	std::set<int> lingering_;		// made, in linger_group, not yet deleted
	unsigned name_seq_ = 0;
};

const char *errno_name(int e);

} // namespace nlfuzz
