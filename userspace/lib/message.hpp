// SPDX-License-Identifier: GPL-2.0
//
// Move-only owners of libnl objects, and Message, a netlink request under
// construction. Nothing here talks to the kernel.

#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>

#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "attrs.hpp"

namespace vmux {

// unique_ptr with a deleter that is a compile-time function pointer: no
// state, cannot be null, and the type says which free function applies.
template <auto Free> struct FreeWith {
	template <typename T> void operator()(T *p) const noexcept { Free(p); }
};

using SockPtr = std::unique_ptr<nl_sock, FreeWith<nl_socket_free>>;
using MsgPtr = std::unique_ptr<nl_msg, FreeWith<nlmsg_free>>;
using CbPtr = std::unique_ptr<nl_cb, FreeWith<nl_cb_put>>;

// A file descriptor closed on destruction (netns handles).
class UniqueFd {
public:
	UniqueFd() = default;
	explicit UniqueFd(int fd) noexcept : fd_(fd) {}
	UniqueFd(UniqueFd &&other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
	UniqueFd &operator=(UniqueFd &&other) noexcept;
	UniqueFd(const UniqueFd &) = delete;
	UniqueFd &operator=(const UniqueFd &) = delete;
	~UniqueFd();

	int get() const noexcept { return fd_; }
	explicit operator bool() const noexcept { return fd_ >= 0; }

private:
	int fd_ = -1;
};

// A request: header, fixed family header, attributes. Sequence number and
// port id stay 0 until the socket sends it, so bytes() is deterministic.
class Message {
public:
	// libnl's own default: enough for any request without a long list.
	static constexpr std::size_t default_size = 4096;

	Message(int type, int flags, std::size_t size = default_size);

	template <Plain T> void append(const T &family_header) { append_raw(bytes_of(family_header)); }
	void put(int type, ByteView payload);
	template <Plain T> void put_value(int type, const T &value) { put(type, bytes_of(value)); }
	void put_string(int type, std::string_view value);
	void put_attrs(const Attrs &attrs);
	// fill() adds the nest's attributes; libnl drops the nest if it stays empty.
	template <typename Fill> void nest(int type, Fill &&fill)
	{
		nlattr *start = begin_nest(type);
		fill();
		end_nest(start);
	}

	ByteView bytes() const;
	nl_msg *get() const noexcept { return msg_.get(); }

private:
	void append_raw(ByteView data);
	nlattr *begin_nest(int type);
	void end_nest(nlattr *start);

	MsgPtr msg_;
};

} // namespace vmux
