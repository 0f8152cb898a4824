// SPDX-License-Identifier: GPL-2.0
//
// A link as `ip [-d] [-s] link show` prints it, text or JSON, with the
// kind's part from its option table and vmux's drop counters.

#pragma once

#include <functional>
#include <optional>
#include <string>

#include "link_info.hpp"
#include "printer.hpp"

namespace vmux {

struct ShowOptions {
	bool details = false;
	int stats = 0;		// -s: counters; -s -s: the error counters too
	bool brief = false;	// -br: name, state, address, flags on one line
	// The name of an ifindex of this netns ("master NAME"); ip's
	// ll_index_to_name() says "if%d" when it knows none.
	std::function<std::string(std::uint32_t)> ifname = nullptr;
	// The name of a netns id ("link-netns NAME" rather than "link-netnsid
	// ID", as ip prints it when it can); may be null.
	std::function<std::optional<std::string>(std::int32_t)> netns_name = nullptr;
	// monitor: "[NEW] "/"[DEL] " before the text line, instead of
	// ip's "Deleted " ("deleted": true in JSON either way).
	bool event_tags = false;
};

// lower: the device IFLA_LINK names, if it is in this netns and known;
// "@lower" and M-DOWN come from it.
void print_link(Printer &out, const LinkInfo &link, const LinkInfo *lower, const ShowOptions &opts);

} // namespace vmux
