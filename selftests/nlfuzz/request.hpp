// SPDX-License-Identifier: GPL-2.0
//
// An RTM_*LINK request as a tree of attributes that may be wrong on
// purpose: any type (flag bits included), any payload, a nla_len that lies.
// encode() lays it out with libmnl, exactly as given, and says where the
// mutator may flip bytes without retargeting the request (see Encoded).

#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <linux/rtnetlink.h>

namespace nlfuzz {

using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;

struct Attr {
	std::uint16_t type = 0;		// as sent: NLA_F_NESTED etc. included
	bool nest = false;		// children, not payload, make the body
	Bytes payload;
	std::vector<Attr> children;
	std::optional<std::uint16_t> len_lie;	// nla_len to send instead of the true one

	std::uint16_t kind() const noexcept { return type & NLA_TYPE_MASK; }
	Attr *find(std::uint16_t kind);
	const Attr *find(std::uint16_t kind) const;

	static Attr raw(std::uint16_t type, Bytes payload);
	static Attr u8(std::uint16_t type, std::uint8_t v);
	static Attr u16(std::uint16_t type, std::uint16_t v);
	static Attr be16(std::uint16_t type, std::uint16_t v);
	static Attr u32(std::uint16_t type, std::uint32_t v);
	static Attr s32(std::uint16_t type, std::int32_t v) { return u32(type, std::uint32_t(v)); }
	static Attr str(std::uint16_t type, std::string_view s);	// NUL included
	static Attr pair32(std::uint16_t type, std::uint32_t a, std::uint32_t b);
	// NLA_F_NESTED set, as the kernel's and libmnl's nests have it.
	static Attr nested(std::uint16_t type, std::vector<Attr> children);
};

// Where bytes may be flipped: payloads of the top-level attributes that
// cannot retarget the request (not IFLA_IFNAME), and everything inside
// IFLA_LINKINFO, headers included. A flipped top-level header could turn
// IFLA_MTU into IFLA_NET_NS_PID or IFLA_GROUP and reach devices that are
// not the fuzzer's.
struct Encoded {
	Bytes bytes;
	std::vector<std::pair<std::size_t, std::size_t>> flippable;	// [begin, end)
};

struct Request {
	std::uint16_t type = RTM_NEWLINK;
	std::uint16_t flags = 0;	// NLM_F_REQUEST | NLM_F_ACK are always added
	ifinfomsg ifi{};
	std::vector<Attr> attrs;

	Attr *find(std::uint16_t kind);
	const Attr *find(std::uint16_t kind) const;
	Attr &linkinfo();			// created if missing
	Attr *info_data();			// IFLA_LINKINFO/IFLA_INFO_DATA, or null
	void set(Attr a);			// replaces the top-level attribute of its kind

	Encoded encode(std::uint32_t seq = 0) const;
};

// A request for the three vmux kinds: create (NLM_F_CREATE | NLM_F_EXCL) or
// change (ifindex), with IFLA_LINKINFO { KIND, DATA { data } }.
Request make_create(std::string_view kind, std::string_view name, int lower,
		    std::vector<Attr> data);
Request make_change(std::string_view kind, int ifindex, std::vector<Attr> data);
Request make_del(int ifindex);

std::string hex(ByteSpan b);
Bytes mac_bytes(std::string_view text);		// "02:00:00:00:00:01"

} // namespace nlfuzz
