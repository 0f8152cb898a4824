// SPDX-License-Identifier: GPL-2.0

#include "netns.hpp"

#include <filesystem>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>

#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <stdexcept>
#include <string>
#include <system_error>

#include <fmt/core.h>

#include "error.hpp"

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
		throw std::system_error(errno, std::generic_category(),
					fmt::format("Cannot open network namespace \"{}\"", name));
	return fd;
}

void enter_netns(std::string_view name)
{
	UniqueFd fd = open_netns(name);

	if (setns(fd.get(), CLONE_NEWNET) < 0)
		throw std::runtime_error(fmt::format("setting the network namespace \"{}\" failed: {}",
						     name, std::strerror(errno)));
}

NetnsVisit::NetnsVisit(int netns_fd) : home_(open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC))
{
	if (!home_ || setns(netns_fd, CLONE_NEWNET) < 0)
		throw std::runtime_error(fmt::format("Cannot enter network namespace: {}",
						     std::strerror(errno)));
}

NetnsVisit::~NetnsVisit()
{
	setns(home_.get(), CLONE_NEWNET);
}

int ifindex_of(std::string_view dev, int netns_fd)
{
	NetnsVisit visit(netns_fd);

	return ifindex_of(dev);
}

Message nsid_query(int netns_fd)
{
	Message msg(RTM_GETNSID, NLM_F_REQUEST | NLM_F_ACK);

	msg.append(rtgenmsg{AF_UNSPEC});
	msg.put_value(NETNSA_FD, static_cast<std::uint32_t>(netns_fd));
	return msg;
}

// NETNSA_NSID -1: the kernel picks the id.
Message nsid_assign(int netns_fd)
{
	Message msg(RTM_NEWNSID, NLM_F_REQUEST | NLM_F_ACK);

	msg.append(rtgenmsg{AF_UNSPEC});
	msg.put_value(NETNSA_FD, static_cast<std::uint32_t>(netns_fd));
	msg.put_value(NETNSA_NSID, std::int32_t{NETNSA_NSID_NOT_ASSIGNED});
	return msg;
}

static std::int32_t query_nsid(Netlink &nl, int netns_fd)
{
	std::int32_t nsid = NETNSA_NSID_NOT_ASSIGNED;

	nl.request(nsid_query(netns_fd), [&](const nlmsghdr &hdr) {
		constexpr std::size_t fixed = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(rtgenmsg));

		if (hdr.nlmsg_type != RTM_NEWNSID || hdr.nlmsg_len < fixed)
			return;
		auto *raw = reinterpret_cast<const std::uint8_t *>(&hdr);
		Attrs attrs = Attrs::decode(ByteView(raw + fixed, hdr.nlmsg_len - fixed));
		nsid = attrs.get<std::int32_t>(NETNSA_NSID).value_or(NETNSA_NSID_NOT_ASSIGNED);
	});
	return nsid;
}

std::int32_t netns_id(Netlink &nl, int netns_fd)
{
	std::int32_t nsid = query_nsid(nl, netns_fd);

	if (nsid == NETNSA_NSID_NOT_ASSIGNED) {
		nl.request(nsid_assign(netns_fd));
		nsid = query_nsid(nl, netns_fd);
	}
	return nsid;
}

std::optional<std::string> netns_name_of(Netlink &nl, std::int32_t nsid)
{
	std::error_code ec;

	for (const auto &entry : std::filesystem::directory_iterator("/var/run/netns", ec)) {
		UniqueFd fd(::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC));

		if (fd.get() < 0)
			continue;
		// Not a netns (yet, or any more: "ip netns add" mounts over an
		// empty file, "ip netns del" unmounts it before the unlink): the
		// kernel refuses the fd; skip it, as ip does.
		try {
			if (query_nsid(nl, fd.get()) == nsid)
				return entry.path().filename().string();
		} catch (const NetlinkError &) {
		}
	}
	return std::nullopt;
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
