// SPDX-License-Identifier: GPL-2.0
//
// An RTM_GETLINK dump, parsed and checked: every attribute's length
// consistent with its parent (nothing short, nothing overrunning, nothing
// left over), every IFLA_INFO_DATA and IFLA_INFO_XSTATS of a vmux device
// valid against the kinds' table (mnl_attr_validate), and the invariants
// the module promises across devices (an MTU within the lower's, one
// passthru per lower, per-port ipvlan mode, ...).

#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kinds.hpp"
#include "request.hpp"

namespace nlfuzz {

struct Link {
	int ifindex = 0;
	std::string name;
	std::string kind;		// IFLA_INFO_KIND, "" if none
	std::uint32_t flags = 0;	// ifi_flags
	std::uint32_t mtu = 0;
	std::uint32_t promiscuity = 0;	// IFLA_PROMISCUITY
	int link = 0;			// IFLA_LINK
	bool link_netnsid = false;	// the lower is in another netns
	Bytes address;
	Bytes info_data;		// IFLA_INFO_DATA's payload, any kind's

	std::optional<KindId> vmux;	// set for the three vmux kinds
	std::uint16_t vlan_id = 0, vlan_proto = 0;
	std::uint32_t vlan_flags = 0;
	std::uint32_t mv_mode = 0, mv_count = 0, mv_entries = 0;
	std::uint32_t mv_bcq = 0, mv_bcq_used = 0;
	std::uint16_t mv_flags = 0;
	std::int32_t mv_cutoff = 1;
	std::uint16_t ipv_mode = 0, ipv_flags = 0;
};

struct Snapshot {
	std::map<int, Link> links;
	std::vector<std::string> errors;	// what did not parse or hold

	const Link *by_index(int ifindex) const;
	const Link *by_name(const std::string &name) const;
};

Snapshot parse_links(const std::vector<Bytes> &msgs);

} // namespace nlfuzz
