// SPDX-License-Identifier: GPL-2.0
//
// A request as rtnetlink (6.1, __rtnl_newlink) reads it: the top-level
// attributes by nla_parse_deprecated (malformed headers end the walk, the
// last of a type wins), IFLA_LINKINFO against ifla_info_policy. The oracle
// needs this to tell which refusals come from the core, which sends some
// of them without an extack message.

#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "request.hpp"

namespace nlfuzz {

struct KAttr {
	std::uint16_t type;		// NLA_TYPE_MASK applied
	ByteSpan data;

	std::optional<std::uint32_t> u32() const;
	std::string str() const;	// nla_strscpy: up to the first NUL
};

// nla_for_each_attr: stops at the first header that is short or overruns.
std::vector<KAttr> walk(ByteSpan b);

struct KView {
	std::uint16_t nlflags = 0;
	ifinfomsg ifi{};
	std::map<std::uint16_t, KAttr> tb;	// the last of each type
	bool has_linkinfo = false;
	// ifla_info_policy holds: KIND/SLAVE_KIND not empty, DATA/SLAVE_DATA
	// empty or at least a header. rtnetlink parses it with a NULL extack.
	bool linkinfo_ok = true;
	std::map<std::uint16_t, KAttr> info;	// IFLA_INFO_*, the last of each
	std::string kind;			// "" without IFLA_INFO_KIND

	const KAttr *get(std::uint16_t t) const;
	const KAttr *info_get(std::uint16_t t) const;
	std::optional<std::string> ifname() const;
};

KView kernel_view(ByteSpan msg);

// dev_valid_name() and what register_netdevice() makes of a '%'.
bool valid_new_name(const std::string &name);

} // namespace nlfuzz
