// SPDX-License-Identifier: GPL-2.0
//
// The random phase's source of requests: valid templates of each kind
// (create in every mode and option family, changelink of existing
// children), then structural mutations of the attribute tree (payload
// flips and interesting values, truncated and extended payloads, lying
// nla_len, random types, NLA_F_NESTED toggled, duplicated, reordered,
// wrapped and flattened attributes, random nlmsg and ifi flags, swapped
// kinds) and byte flips of the encoded message.
//
// Everything is a function of the seed and of Targets: the same seed on
// the same devices sends the same bytes. Requests only ever name the
// devices in Targets: a mutation never turns a request into one for a
// device the fuzzer was not given (no IFLA_NET_NS_*, IFLA_GROUP,
// IFLA_MASTER, no flipped top-level header; see Encoded).

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kinds.hpp"
#include "request.hpp"

namespace nlfuzz {

// xoshiro256**, seeded by splitmix64: the same stream on every build.
class Rng {
public:
	explicit Rng(std::uint64_t seed);

	std::uint64_t next();
	std::uint32_t below(std::uint32_t n);	// [0, n), n > 0
	bool chance(unsigned percent) { return below(100) < percent; }
	Bytes bytes(std::size_t n);
	template <typename T> const T &pick(const std::vector<T> &v) { return v[below(std::uint32_t(v.size()))]; }

private:
	std::uint64_t s_[4];
};

struct Targets {
	struct Child {
		int ifindex;
		KindId kind;
	};
	std::vector<int> lowers;	// IFLA_LINK choices, repeated to weigh them
	int spare = 0;			// a lower without a port: passthru can succeed there
	std::vector<Child> children;	// changelink targets
	std::vector<std::string> our_names;	// devices a name may collide with
	int foreign_nsid = -1;		// an IFLA_LINK_NETNSID that exists, if any
};

// A valid request (create or change) and a short description of it.
Request random_template(Rng &rng, const Targets &t, const std::string &fresh_name,
			std::string &desc);
// 0 to 4 mutations; each appends its name to @desc.
void mutate(Request &req, Rng &rng, const Targets &t, std::string &desc);
// Flips 1 to 4 bytes within enc.flippable.
void flip_bytes(Encoded &enc, Rng &rng, std::string &desc);
// One message of the random phase: random_template(), mutate(), encode,
// and one time in ten flip_bytes(). Nothing if the nests grew past what
// one attribute can hold (64 KiB); the generator's state moves on either way.
std::optional<Encoded> random_message(Rng &rng, const Targets &t, const std::string &fresh_name,
				      std::string &desc);

} // namespace nlfuzz
