// SPDX-License-Identifier: GPL-2.0

#include "message.hpp"

#include <new>
#include <string>
#include <unistd.h>

#include <netlink/attr.h>

namespace vmux {

UniqueFd &UniqueFd::operator=(UniqueFd &&other) noexcept
{
	if (this != &other) {
		if (fd_ >= 0)
			close(fd_);
		fd_ = std::exchange(other.fd_, -1);
	}
	return *this;
}

UniqueFd::~UniqueFd()
{
	if (fd_ >= 0)
		close(fd_);
}

// libnl reports a full message with a negative NLE_* code: the only way a
// put fails on a growing message is running out of memory.
static void check(int err)
{
	if (err < 0)
		throw std::bad_alloc();
}

// libnl messages do not grow: the caller sizes the buffer (zeroed on each
// allocation, so not larger than needed: batches send thousands).
Message::Message(int type, int flags, std::size_t size)
	: msg_(nlmsg_alloc_size(size))
{
	if (!msg_ || !nlmsg_put(msg_.get(), NL_AUTO_PID, NL_AUTO_SEQ, type, 0, flags))
		throw std::bad_alloc();
}

void Message::append_raw(ByteView data)
{
	check(nlmsg_append(msg_.get(), const_cast<std::uint8_t *>(data.data()), data.size(),
			   NLMSG_ALIGNTO));
}

void Message::put(int type, ByteView payload)
{
	check(nla_put(msg_.get(), type, static_cast<int>(payload.size()), payload.data()));
}

void Message::put_string(int type, std::string_view value)
{
	check(nla_put_string(msg_.get(), type, std::string(value).c_str()));
}

void Message::put_attrs(const Attrs &attrs)
{
	for (const auto &[type, attr] : attrs)
		put(attr.nested ? type | NLA_F_NESTED : type, attr.payload);
}

nlattr *Message::begin_nest(int type)
{
	nlattr *start = nla_nest_start(msg_.get(), type);

	if (!start)
		throw std::bad_alloc();
	return start;
}

void Message::end_nest(nlattr *start)
{
	check(nla_nest_end(msg_.get(), start));
}

ByteView Message::bytes() const
{
	const nlmsghdr *hdr = nlmsg_hdr(msg_.get());

	return {reinterpret_cast<const std::uint8_t *>(hdr), hdr->nlmsg_len};
}

} // namespace vmux
