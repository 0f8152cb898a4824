// SPDX-License-Identifier: GPL-2.0
//
// Addresses of an RTM_GETADDR dump: what an ipvlan port demultiplexes by.

#pragma once

#include <optional>
#include <string>

#include <linux/netlink.h>

#include "message.hpp"

namespace vmux {

struct AddrInfo {
	int ifindex = 0;
	int family = 0;		// AF_INET or AF_INET6
	std::string address;	// "10.0.0.2", "fe80::1"
	unsigned int prefixlen = 0;
	unsigned int flags = 0;	// IFA_F_*: IFA_FLAGS if sent, else ifa_flags
};

// nullopt for anything that is not an IPv4/IPv6 address message.
std::optional<AddrInfo> parse_addr(const nlmsghdr &hdr);

// Every address of every device, both families.
Message addr_dump_request();

} // namespace vmux
