// SPDX-License-Identifier: GPL-2.0
//
// `port show` from a snapshot of the links and addresses of a netns.

#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "link_info.hpp"
#include "printer.hpp"

namespace vmux {

struct PortSnapshot {
	std::vector<LinkInfo> links;
	std::multimap<int, std::string> addresses;	// by ifindex
};

// Every port (or only the lower named dev); false if dev is no port.
bool print_ports(Printer &out, const PortSnapshot &snap, std::string_view dev);

} // namespace vmux
