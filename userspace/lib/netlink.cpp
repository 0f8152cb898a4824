// SPDX-License-Identifier: GPL-2.0

#include "netlink.hpp"

#include <cstring>
#include <exception>
#include <sys/socket.h>

#include <fmt/core.h>
#include <netlink/netlink.h>

#include "error.hpp"

namespace vmux {

// State shared with the libnl callbacks of one exchange. The callbacks are
// called from C: they never let an exception through, they park it here.
struct Netlink::Exchange {
	std::function<bool(const nlmsghdr &)> on_msg;
	bool done = false;
	int error = 0;
	std::string extack;
	std::exception_ptr failure;
};

std::string extack_of(const nlmsghdr &hdr)
{
	std::size_t payload;

	if (!(hdr.nlmsg_flags & NLM_F_ACK_TLVS))
		return {};
	if (hdr.nlmsg_type == NLMSG_DONE) {
		payload = sizeof(int);
	} else if (hdr.nlmsg_type == NLMSG_ERROR &&
		   hdr.nlmsg_len >= NLMSG_HDRLEN + sizeof(nlmsgerr)) {
		const auto *err = static_cast<const nlmsgerr *>(NLMSG_DATA(&hdr));

		// The kernel echoes the request unless it capped the ACK.
		payload = sizeof(nlmsgerr);
		if (!(hdr.nlmsg_flags & NLM_F_CAPPED) && err->msg.nlmsg_len > NLMSG_HDRLEN)
			payload += err->msg.nlmsg_len - NLMSG_HDRLEN;
	} else {
		return {};
	}

	std::size_t offset = NLMSG_ALIGN(NLMSG_HDRLEN + payload);
	if (offset >= hdr.nlmsg_len)
		return {};
	ByteView tlvs(reinterpret_cast<const std::uint8_t *>(&hdr) + offset, hdr.nlmsg_len - offset);
	return Attrs::decode(tlvs).get_string(NLMSGERR_ATTR_MSG).value_or("");
}

static void enable(nl_sock *sk, int option)
{
	int one = 1;

	// Kernels before 4.12 (EXT_ACK) and 4.20 (GET_STRICT_CHK) lack these;
	// the requests still work, only with fewer details on failure.
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, option, &one, sizeof(one));
}

Netlink::Netlink(int protocol) : sock_(nl_socket_alloc()), cb_(nl_cb_alloc(NL_CB_DEFAULT))
{
	if (!sock_ || !cb_)
		throw std::bad_alloc();
	int err = nl_connect(sock_.get(), protocol);
	if (err < 0)
		throw std::runtime_error(fmt::format("Cannot open netlink socket: {}", nl_geterror(err)));
	// Our messages say themselves whether they want an ACK.
	nl_socket_disable_auto_ack(sock_.get());
	enable(sock_.get(), NETLINK_EXT_ACK);
	enable(sock_.get(), NETLINK_GET_STRICT_CHK);
}

void Netlink::send(const Message &msg)
{
	// Send a copy: nl_send_auto() stamps port id and sequence number into
	// the message, and the caller's stays reusable and deterministic.
	MsgPtr copy(nlmsg_convert(const_cast<nlmsghdr *>(
		reinterpret_cast<const nlmsghdr *>(msg.bytes().data()))));
	if (!copy)
		throw std::bad_alloc();
	int err = nl_send_auto(sock_.get(), copy.get());
	if (err < 0)
		throw std::runtime_error(fmt::format("Cannot talk to rtnetlink: {}", nl_geterror(err)));
}

static Netlink::Exchange &exchange_of(void *arg)
{
	return *static_cast<Netlink::Exchange *>(arg);
}

static int on_valid(nl_msg *msg, void *arg)
{
	auto &ex = exchange_of(arg);

	try {
		if (ex.on_msg && !ex.on_msg(*nlmsg_hdr(msg)))
			ex.done = true;
	} catch (...) {
		ex.failure = std::current_exception();
		ex.done = true;
	}
	return ex.done ? NL_STOP : NL_OK;
}

static int on_error(sockaddr_nl *, nlmsgerr *err, void *arg)
{
	auto &ex = exchange_of(arg);
	const auto *hdr = reinterpret_cast<const nlmsghdr *>(
		reinterpret_cast<const char *>(err) - NLMSG_HDRLEN);

	ex.error = -err->error;
	ex.extack = extack_of(*hdr);
	ex.done = true;
	return NL_STOP;
}

// A successful ACK may still carry a warning.
static int on_ack(nl_msg *msg, void *arg)
{
	auto &ex = exchange_of(arg);

	ex.extack = extack_of(*nlmsg_hdr(msg));
	ex.done = true;
	return NL_STOP;
}

// NLMSG_DONE ends a dump; a dump that failed half way says so in it.
static int on_finish(nl_msg *msg, void *arg)
{
	auto &ex = exchange_of(arg);
	const nlmsghdr *hdr = nlmsg_hdr(msg);
	int status = 0;

	if (hdr->nlmsg_len >= NLMSG_HDRLEN + sizeof(status))
		std::memcpy(&status, NLMSG_DATA(hdr), sizeof(status));
	if (status < 0) {
		ex.error = -status;
		ex.extack = extack_of(*hdr);
	}
	ex.done = true;
	return NL_STOP;
}

bool Netlink::receive(Exchange &ex)
{
	nl_cb *cb = cb_.get();

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &ex);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &ex);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &ex);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &ex);

	bool consistent = true;
	while (!ex.done) {
		int err = nl_recvmsgs(sock_.get(), cb);

		if (ex.failure)
			std::rethrow_exception(ex.failure);
		if (err == -NLE_DUMP_INTR)
			consistent = false;
		else if (err < 0 && !ex.done)
			throw std::runtime_error(fmt::format("netlink receive failed: {}", nl_geterror(err)));
	}
	if (ex.error)
		throw NetlinkError(ex.error, ex.extack);
	return consistent;
}

std::string Netlink::request(const Message &msg, const MessageHandler &on_reply)
{
	Exchange ex;

	if (on_reply)
		ex.on_msg = [&](const nlmsghdr &hdr) { on_reply(hdr); return true; };
	send(msg);
	receive(ex);
	return ex.extack;
}

std::vector<Bytes> Netlink::dump(const Message &msg)
{
	// Links come and go while a large dump runs; a few restarts bound the
	// wait, and a dump that never settles is reported.
	constexpr int attempts = 5;

	for (int i = 0;; i++) {
		std::vector<Bytes> replies;
		Exchange ex;

		ex.on_msg = [&](const nlmsghdr &hdr) {
			const auto *raw = reinterpret_cast<const std::uint8_t *>(&hdr);
			replies.emplace_back(raw, raw + hdr.nlmsg_len);
			return true;
		};
		send(msg);
		if (receive(ex))
			return replies;
		if (i + 1 == attempts)
			throw std::runtime_error("Dump was interrupted and may be inconsistent.");
	}
}

void Netlink::subscribe(unsigned int group)
{
	// Notifications carry no sequence number of ours, and a burst of
	// changes (a lower with thousands of children going down) must fit.
	nl_socket_disable_seq_check(sock_.get());
	nl_socket_set_buffer_size(sock_.get(), 4 << 20, 0);
	int err = nl_socket_add_membership(sock_.get(), static_cast<int>(group));
	if (err < 0)
		throw std::runtime_error(fmt::format("Cannot join netlink group {}: {}", group,
						     nl_geterror(err)));
}

void Netlink::listen(const std::function<bool(const nlmsghdr &)> &on_event)
{
	Exchange ex;

	ex.on_msg = on_event;
	receive(ex);
}

} // namespace vmux
