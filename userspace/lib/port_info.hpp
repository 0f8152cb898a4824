// SPDX-License-Identifier: GPL-2.0
//
// The "vmux" generic netlink family (include/uapi/linux/vmux.h): every
// child of a port, whatever netns it is in, as far as the caller may see.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <linux/netlink.h>

#include "attrs.hpp"
#include "link_info.hpp"
#include "message.hpp"

namespace vmux {

class Netlink;

struct PortChild {
	std::uint32_t ifindex = 0;		// in its own netns
	std::string name;
	std::string kind;			// "vmux_macvlan"
	std::optional<std::int32_t> netnsid;	// absent: the caller's netns
	unsigned int flags = 0;			// IFF_*
	Bytes address;
	Attrs data;				// the kind's IFLA_INFO_DATA
	std::vector<std::string> addresses;	// an ipvlan's, as text
};

// One reply of VMUX_CMD_GET_PORT: a child, or the count of those left out.
struct PortReply {
	std::uint32_t port_ifindex = 0;
	std::optional<DropCounters> drops;
	std::optional<PortChild> child;
	std::uint32_t hidden = 0;
};

// The dump of every port of the caller's netns, or of the one on lower.
Message port_dump_request(std::uint16_t family, std::uint32_t lower = 0);
// nullopt for anything but a reply of that family.
std::optional<PortReply> parse_port_reply(const nlmsghdr &hdr, std::uint16_t family);

// The id of a generic netlink family; nullopt if the kernel has none of
// that name (the vmux module is not loaded). genl: a NETLINK_GENERIC socket.
std::optional<std::uint16_t> genl_family_id(Netlink &genl, std::string_view name);

} // namespace vmux
