// SPDX-License-Identifier: GPL-2.0
//
// The IFLA_INFO_DATA of the three vmux kinds, in the shape of syzkaller's
// descriptions (sys/linux/socket_netlink_route.txt: vlan_policy,
// macvlan_policy, ipvlan_nl_policy) and of include/uapi/linux/vmux.h: one
// row per attribute, what it holds, a good value. The table phase walks it,
// the mutator draws from it, the dump checker validates against it.

#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "request.hpp"

namespace nlfuzz {

enum class Shape {
	U16,		// NLA_U16
	BE16,		// NLA_U16 in network order
	U32,
	S32,
	Binary,		// exactly len bytes (a struct)
	Nested,		// array of elem_type entries of elem_len bytes
	ReadOnly,	// NLA_REJECT: dumps carry it (u32), requests may not
};

struct AttrSpec {
	std::uint16_t type;
	std::string_view name;
	Shape shape;
	std::uint16_t len;		// payload length of a scalar; entry length of Nested
	std::uint16_t elem_type = 0;	// Nested: the entries' type
};

struct KindSpec {
	std::string_view kind;		// "vmux_vlan"
	std::string_view shortname;	// "vlan"
	std::uint16_t maxtype;
	std::span<const AttrSpec> attrs;

	const AttrSpec *spec(std::uint16_t type) const;
};

enum KindId { VLAN, MACVLAN, IPVLAN, N_KINDS };

const KindSpec &kind_spec(KindId k);
const KindSpec *kind_spec(std::string_view kind);	// null if not a vmux kind

// A good payload for @s on a fresh device (a mapping, a unicast MAC, ...).
Attr good_attr(KindId k, const AttrSpec &s);

// The IFLA_INFO_DATA a create of @k needs at least (vlan: an id).
std::vector<Attr> minimal_data(KindId k, std::uint16_t vlan_id);

} // namespace nlfuzz
