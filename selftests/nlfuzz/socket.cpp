// SPDX-License-Identifier: GPL-2.0

#include "socket.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/time.h>

#include <fmt/format.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

namespace nlfuzz {

namespace {

std::runtime_error sys_error(const char *what)
{
	return std::runtime_error(fmt::format("{}: {}", what, std::strerror(errno)));
}

struct AckTlvs {
	std::string msg;
	std::optional<std::uint32_t> offs;
};

int ack_tlv(const nlattr *attr, void *data)
{
	auto *t = static_cast<AckTlvs *>(data);

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			t->msg = mnl_attr_get_str(attr);
		break;
	case NLMSGERR_ATTR_OFFS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			t->offs = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

Reply parse_ack(const nlmsghdr *nlh)
{
	Reply r;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(nlmsgerr))
		throw std::runtime_error("truncated NLMSG_ERROR");
	const auto *err = static_cast<const nlmsgerr *>(mnl_nlmsg_get_payload(nlh));
	r.error = -err->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return r;
	// The kernel echoes the request after the header unless capped.
	std::size_t off = sizeof(nlmsgerr);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(nlmsghdr);
	AckTlvs t;
	mnl_attr_parse(nlh, off, ack_tlv, &t);
	r.extack = std::move(t.msg);
	r.bad_offset = t.offs;
	return r;
}

void enable(mnl_socket *sk, int option)
{
	int one = 1;

	if (mnl_socket_setsockopt(sk, option, &one, sizeof(one)) < 0)
		throw sys_error("setsockopt(SOL_NETLINK)");
}

} // namespace

Socket::Socket() : sock_(mnl_socket_open(NETLINK_ROUTE)), buf_(1 << 20)
{
	if (!sock_)
		throw sys_error("mnl_socket_open");
	enable(sock_.get(), NETLINK_EXT_ACK);
	enable(sock_.get(), NETLINK_CAP_ACK);
	enable(sock_.get(), NETLINK_GET_STRICT_CHK);
	// A request the kernel drops without an ACK must not hang the run.
	timeval tv{.tv_sec = 30, .tv_usec = 0};
	if (setsockopt(mnl_socket_get_fd(sock_.get()), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		throw sys_error("setsockopt(SO_RCVTIMEO)");
	if (mnl_socket_bind(sock_.get(), 0, MNL_SOCKET_AUTOPID) < 0)
		throw sys_error("mnl_socket_bind");
	portid_ = mnl_socket_get_portid(sock_.get());
}

template <typename F> void Socket::receive(std::uint32_t seq, F &&on_msg)
{
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(sock_.get(), buf_.data(), buf_.size());

		if (n < 0) {
			if (errno == EINTR)
				continue;
			throw sys_error(errno == EAGAIN ? "no reply from the kernel in 30 s"
							: "mnl_socket_recvfrom");
		}
		int len = int(n);
		for (auto *nlh = reinterpret_cast<const nlmsghdr *>(buf_.data());
		     mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (!mnl_nlmsg_seq_ok(nlh, seq) || !mnl_nlmsg_portid_ok(nlh, portid_))
				continue;
			if (!on_msg(nlh))
				return;
		}
	}
}

Reply Socket::transact(Bytes &msg)
{
	auto *nlh = reinterpret_cast<nlmsghdr *>(msg.data());
	std::uint32_t seq = ++seq_;
	Reply reply;

	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = 0;
	if (mnl_socket_sendto(sock_.get(), msg.data(), msg.size()) < 0)
		throw sys_error("mnl_socket_sendto");
	receive(seq, [&](const nlmsghdr *h) {
		if (h->nlmsg_type != NLMSG_ERROR)
			return true;	// NLM_F_ECHO: the notification, then the ACK
		reply = parse_ack(h);
		return false;
	});
	return reply;
}

std::vector<Bytes> Socket::dump_links()
{
	for (int attempt = 0; attempt < 20; attempt++) {
		std::vector<Bytes> out;
		bool intr = false;
		alignas(nlmsghdr) std::uint8_t req[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(ifinfomsg))]{};
		nlmsghdr *nlh = mnl_nlmsg_put_header(req);
		std::uint32_t seq = ++seq_;

		nlh->nlmsg_type = RTM_GETLINK;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		nlh->nlmsg_seq = seq;
		mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg));
		if (mnl_socket_sendto(sock_.get(), nlh, nlh->nlmsg_len) < 0)
			throw sys_error("mnl_socket_sendto");
		receive(seq, [&](const nlmsghdr *h) {
			if (h->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			if (h->nlmsg_type == NLMSG_DONE)
				return false;
			if (h->nlmsg_type == NLMSG_ERROR) {
				Reply r = parse_ack(h);
				throw std::runtime_error(fmt::format("RTM_GETLINK dump failed: {} {}",
								     std::strerror(r.error), r.extack));
			}
			auto *p = reinterpret_cast<const std::uint8_t *>(h);
			out.emplace_back(p, p + h->nlmsg_len);
			return true;
		});
		if (!intr)
			return out;
	}
	throw std::runtime_error("RTM_GETLINK dump interrupted 20 times in a row");
}

} // namespace nlfuzz
