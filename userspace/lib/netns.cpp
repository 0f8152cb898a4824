// SPDX-License-Identifier: GPL-2.0

#include "netns.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace vmux {

static std::string netns_path(std::string_view name)
{
	if (name.find('/') != std::string_view::npos)
		return std::string(name);
	return fmt::format("/var/run/netns/{}", name);
}

UniqueFd open_netns(std::string_view name)
{
	std::string path = netns_path(name);
	UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));

	if (!fd)
		throw std::runtime_error(fmt::format("Cannot open network namespace \"{}\": {}", name,
						     std::strerror(errno)));
	return fd;
}

void enter_netns(std::string_view name)
{
	UniqueFd fd = open_netns(name);

	if (setns(fd.get(), CLONE_NEWNET) < 0)
		throw std::runtime_error(fmt::format("setting the network namespace \"{}\" failed: {}",
						     name, std::strerror(errno)));
}

int ifindex_of(std::string_view dev)
{
	unsigned int index = 0;

	if (dev.size() < IFNAMSIZ)
		index = if_nametoindex(std::string(dev).c_str());
	if (!index)
		throw std::runtime_error(fmt::format("Cannot find device \"{}\"", dev));
	return static_cast<int>(index);
}

} // namespace vmux
