// SPDX-License-Identifier: GPL-2.0
//
// A netlink socket (NETLINK_ROUTE, or NETLINK_GENERIC for the "vmux"
// family) that reports the kernel's extended ACK: every failure comes back
// as a NetlinkError with errno and message.

#pragma once

#include <functional>
#include <string>
#include <vector>

#include <linux/netlink.h>

#include "message.hpp"

namespace vmux {

using MessageHandler = std::function<void(const nlmsghdr &)>;

class Netlink {
public:
	// Opens and connects the socket in the caller's current netns.
	explicit Netlink(int protocol = NETLINK_ROUTE);

	// Send a request that carries NLM_F_ACK; on_reply (if any) sees every
	// reply before the ACK. Returns the kernel's warning, if it sent one
	// with a successful ACK; throws NetlinkError on failure.
	std::string request(const Message &msg, const MessageHandler &on_reply = {});

	// Run a dump to completion and return its messages. A dump the kernel
	// marks interrupted (NLM_F_DUMP_INTR) is restarted, so the result is
	// one consistent snapshot.
	std::vector<Bytes> dump(const Message &msg);

	// Join a multicast group and hand every notification to on_event until
	// it returns false.
	void subscribe(unsigned int group);
	void listen(const std::function<bool(const nlmsghdr &)> &on_event);

	struct Exchange;	// one request's state, see netlink.cpp

private:
	void send(const Message &msg);
	// Receive until the exchange is done; rethrows what a handler threw.
	// False if the kernel flagged the dump as interrupted.
	bool receive(Exchange &ex);

	SockPtr sock_;
	// One set of callbacks, pointed at each exchange in turn.
	CbPtr cb_;
};

// The extended ACK message of an NLMSG_ERROR or NLMSG_DONE, empty if none.
std::string extack_of(const nlmsghdr &hdr);

} // namespace vmux
