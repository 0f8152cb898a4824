// SPDX-License-Identifier: GPL-2.0
//
// Network namespaces by name, as `ip netns` keeps them, and device lookup.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "message.hpp"
#include "netlink.hpp"

namespace vmux {

// /var/run/netns/NAME, or NAME itself if it is a path. Failure is a
// std::system_error carrying errno (ENOENT: no such netns).
UniqueFd open_netns(std::string_view name);
// Move this process into the netns (vmux -n NAME): sockets opened and
// names resolved from now on are that netns's.
void enter_netns(std::string_view name);

// Enter a netns for the lifetime of the object, then return to the one
// the process was in, whatever happens in between. Single-threaded
// callers only: setns() moves the calling thread.
class NetnsVisit {
public:
	explicit NetnsVisit(int netns_fd);
	NetnsVisit(const NetnsVisit &) = delete;
	NetnsVisit &operator=(const NetnsVisit &) = delete;
	~NetnsVisit();

private:
	UniqueFd home_;
};

// The ifindex of a device of the current netns, or of the netns netns_fd
// refers to; a runtime error naming the device if there is none.
int ifindex_of(std::string_view dev);
int ifindex_of(std::string_view dev, int netns_fd);

// The id the current netns knows the netns netns_fd by (what
// IFLA_LINK_NETNSID takes), assigning one if it has none yet, as
// `ip netns set NAME auto` would.
std::int32_t netns_id(Netlink &nl, int netns_fd);
// The name under /var/run/netns of the netns the current one knows by
// nsid, as ip's get_name_from_nsid(); nullopt if none has that id. Assigns
// no id.
std::optional<std::string> netns_name_of(Netlink &nl, std::int32_t nsid);

// RTM_GETNSID / RTM_NEWNSID for netns_id().
Message nsid_query(int netns_fd);
Message nsid_assign(int netns_fd);

} // namespace vmux
