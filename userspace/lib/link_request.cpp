// SPDX-License-Identifier: GPL-2.0

#include "link_request.hpp"

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

namespace vmux {

static int message_type(LinkRequest::Op op)
{
	return op == LinkRequest::Op::del ? RTM_DELLINK : RTM_NEWLINK;
}

static int message_flags(LinkRequest::Op op)
{
	int flags = NLM_F_REQUEST | NLM_F_ACK;

	if (op == LinkRequest::Op::add)
		flags |= NLM_F_CREATE | NLM_F_EXCL;
	return flags;
}

// Attributes go out in one fixed order, so equal requests are equal bytes.
// What the kind data adds to a request: a full source-MAC list is 12 KiB.
static std::size_t data_size(const std::optional<LinkKind> &kind)
{
	std::size_t size = 0;

	if (kind && kind->data)
		for (const auto &[type, attr] : *kind->data)
			size += NLA_HDRLEN + NLA_ALIGN(attr.payload.size());
	return size;
}

LinkRequest &LinkRequest::flag(unsigned int flag, bool on)
{
	change_ |= flag;
	flags_ = on ? flags_ | flag : flags_ & ~flag;
	return *this;
}

LinkRequest &LinkRequest::up(bool up)
{
	return flag(IFF_UP, up);
}

bool LinkRequest::has_state() const
{
	return has_flag(IFF_UP);
}

Message LinkRequest::build() const
{
	// The generic attributes below take under 256 bytes; the buffer is
	// zeroed per request, and a batch sends thousands.
	constexpr std::size_t generic_size = 512;
	Message msg(message_type(op_), message_flags(op_), generic_size + data_size(kind_));
	ifinfomsg ifi{};

	ifi.ifi_family = AF_UNSPEC;
	ifi.ifi_index = ifindex_;
	ifi.ifi_change = change_;
	ifi.ifi_flags = flags_;
	msg.append(ifi);

	if (link_)
		msg.put_value(IFLA_LINK, *link_);
	if (name_)
		msg.put_string(IFLA_IFNAME, *name_);
	if (mtu_)
		msg.put_value(IFLA_MTU, *mtu_);
	if (address_)
		msg.put(IFLA_ADDRESS, *address_);
	if (txqlen_)
		msg.put_value(IFLA_TXQLEN, *txqlen_);
	if (netns_pid_)
		msg.put_value(IFLA_NET_NS_PID, *netns_pid_);
	if (netns_fd_)
		msg.put_value(IFLA_NET_NS_FD, static_cast<std::uint32_t>(netns_fd_.get()));
	if (link_netnsid_)
		msg.put_value(IFLA_LINK_NETNSID, *link_netnsid_);
	msg.put_attrs(attrs_);
	if (kind_) {
		msg.nest(IFLA_LINKINFO, [&] {
			msg.put_string(IFLA_INFO_KIND, kind_->kind);
			if (kind_->data)
				msg.nest(IFLA_INFO_DATA, [&] { msg.put_attrs(*kind_->data); });
		});
	}
	return msg;
}

} // namespace vmux
