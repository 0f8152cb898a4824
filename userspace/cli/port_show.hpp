// SPDX-License-Identifier: GPL-2.0
//
// `port show` from a snapshot of the links and addresses of a netns.

#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "link_info.hpp"
#include "port_info.hpp"
#include "printer.hpp"

namespace vmux {

struct PortSnapshot {
	std::vector<LinkInfo> links;
	std::multimap<int, std::string> addresses;	// by ifindex
	// The "vmux" family's dump: the ports of this netns with every child
	// the caller may see, in any netns. nullopt: the kernel has no such
	// family, and only this netns's children are known.
	std::optional<std::vector<PortReply>> ports;
};

// Every port (or only the lower named dev); false if dev is no port.
bool print_ports(Printer &out, const PortSnapshot &snap, std::string_view dev);

} // namespace vmux
