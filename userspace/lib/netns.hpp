// SPDX-License-Identifier: GPL-2.0
//
// Network namespaces by name, as `ip netns` keeps them, and device lookup.

#pragma once

#include <string_view>

#include "message.hpp"

namespace vmux {

// /var/run/netns/NAME, or NAME itself if it is a path.
UniqueFd open_netns(std::string_view name);
// Move this process into the netns (vmux -n NAME): sockets opened and
// names resolved from now on are that netns's.
void enter_netns(std::string_view name);

// The ifindex of a device of the current netns; a runtime error naming
// the device if there is none.
int ifindex_of(std::string_view dev);

} // namespace vmux
