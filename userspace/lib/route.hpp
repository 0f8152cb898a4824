// SPDX-License-Identifier: GPL-2.0
//
// IP prefixes, RTM_NEWADDR and RTM_NEWROUTE requests and the routes of an
// RTM_GETROUTE dump: what a container's interface is configured with.

#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <linux/netlink.h>

#include "message.hpp"

namespace vmux {

struct IpPrefix {
	int family = 0;		// AF_INET or AF_INET6
	Bytes addr;		// 4 or 16 bytes, network order
	unsigned int len = 0;	// prefix length

	// "10.0.0.2/24"; the address as given, host bits kept.
	std::string str() const;
	// The address alone: "10.0.0.2".
	std::string addr_str() const;
	// The same prefix with the host bits cleared: "10.0.0.0/24".
	IpPrefix network() const;
	bool operator==(const IpPrefix &) const = default;
};

// "ADDR/LEN"; nullopt unless both parts are valid for the family.
std::optional<IpPrefix> parse_prefix(std::string_view text);
// "ADDR" alone, as a host prefix (/32, /128).
std::optional<IpPrefix> parse_ip(std::string_view text);

// RTM_NEWADDR: addr/len on ifindex (NLM_F_CREATE | NLM_F_EXCL); IPv4 gets
// the broadcast address `ip addr add ... brd +` would give it.
Message addr_add_request(int ifindex, const IpPrefix &addr);
// RTM_NEWROUTE in the main table, out of ifindex, via gw if given;
// NLM_F_CREATE | NLM_F_APPEND (ECMP: a second default route is added).
Message route_add_request(int ifindex, const IpPrefix &dst, const std::optional<IpPrefix> &gw);
// Every route of the family (AF_UNSPEC: both).
Message route_dump_request(int family);

struct RouteInfo {
	int family = 0;
	unsigned int table = 0;		// RT_TABLE_*, RTA_TABLE if sent
	unsigned int type = 0;		// RTN_*
	IpPrefix dst;			// len 0: a default route
	std::optional<IpPrefix> gateway;	// a host prefix
	int oif = 0;			// 0 if none (multipath)
};

// nullopt for anything that is not an IPv4/IPv6 route message.
std::optional<RouteInfo> parse_route(const nlmsghdr &hdr);

} // namespace vmux
