// SPDX-License-Identifier: GPL-2.0
//
// A link as `ip [-d] [-s] link show` prints it, text or JSON, with the
// kind's part from its option table and vmux's drop counters.

#pragma once

#include "link_info.hpp"
#include "printer.hpp"

namespace vmux {

struct ShowOptions {
	bool details = false;
	bool stats = false;
	// monitor: "[NEW] "/"[DEL] " before the text line, instead of
	// ip's "Deleted " ("deleted": true in JSON either way).
	bool event_tags = false;
};

// lower: the device IFLA_LINK names, if it is in this netns and known;
// "@lower" and M-DOWN come from it.
void print_link(Printer &out, const LinkInfo &link, const LinkInfo *lower, const ShowOptions &opts);

} // namespace vmux
