// SPDX-License-Identifier: GPL-2.0
//
// A NETLINK_ROUTE socket over libmnl with NETLINK_EXT_ACK (the kernel's
// message comes back with every error), NETLINK_CAP_ACK (the ACK does not
// echo the request) and NETLINK_GET_STRICT_CHK (our dumps are checked).

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <libmnl/libmnl.h>

#include "request.hpp"

namespace nlfuzz {

template <auto Free> struct FreeWith {
	template <typename T> void operator()(T *p) const noexcept { Free(p); }
};

using MnlSocketPtr = std::unique_ptr<mnl_socket, FreeWith<mnl_socket_close>>;

struct Reply {
	int error = 0;			// positive errno, 0: accepted
	std::string extack;		// NLMSGERR_ATTR_MSG, "" if none
	std::optional<std::uint32_t> bad_offset;	// NLMSGERR_ATTR_OFFS
};

class Socket {
public:
	Socket();

	// Sends @msg (its sequence number is set here) and waits for the ACK;
	// other replies (NLM_F_ECHO) are skipped. Throws if none comes.
	Reply transact(Bytes &msg);
	// RTM_GETLINK dump of the socket's netns, one message per device,
	// restarted while the kernel flags it NLM_F_DUMP_INTR.
	std::vector<Bytes> dump_links();

private:
	// Receives one datagram; its messages are handed to @on_msg, which
	// returns false once the exchange is complete.
	template <typename F> void receive(std::uint32_t seq, F &&on_msg);

	MnlSocketPtr sock_;
	unsigned portid_ = 0;
	std::uint32_t seq_ = 0;
	Bytes buf_;
};

} // namespace nlfuzz
