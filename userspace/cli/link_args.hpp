// SPDX-License-Identifier: GPL-2.0
//
// The words `link add` and `link set` share (ip link's generic ones), up
// to "type KIND ARGS", which the kind's option table takes over.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "args.hpp"
#include "link_request.hpp"

namespace vmux {

class Context;

// The command line, understood but not yet looked up: device names and
// namespaces are resolved by resolve_link_args(), so parsing alone can be
// tested without devices.
// xdp { off | object FILE [ section NAME ] [ verbose ] | pinned FILE }, as
// parsed; loaded by resolve_link_args().
struct XdpSpec {
	std::uint32_t flags = 0;	// XDP_FLAGS_SKB_MODE, _DRV_MODE, _HW_MODE
	bool off = false;
	std::string object, section, pinned;
	bool verbose = false;
};

struct LinkArgs {
	explicit LinkArgs(LinkRequest::Op op) : op(op), req(op) {}

	LinkRequest::Op op;
	LinkRequest req;
	std::string dev;	// set: the device to change
	std::string lower;	// add: "link DEV"
	std::string netns;	// "netns NAME" (a PID goes straight to req)
	std::string link_netns;	// add: "link-netns NAME"
	std::string master;	// "master DEV" or "vrf NAME"
	bool master_is_vrf = false;
	std::uint32_t index = 0; // "index IDX": add's ifi_index, set's IFLA_NEW_IFINDEX
	std::optional<XdpSpec> xdp;
};

LinkArgs parse_link_args(LinkRequest::Op op, Args &args);
// The generic part of "link add help" / "link set help": one "[ ... ]" per
// keyword, then what each VALUE stands for.
std::string link_options_usage(LinkRequest::Op op);
std::string link_options_grammar(LinkRequest::Op op);
// GROUP, a number or a name of /etc/iproute2/group, as IFLA_GROUP.
void parse_group_value(Args &args, Attrs &data);
// For completion: the keywords of "link add"/"link set", and the words a
// keyword's value may be (empty: a free value).
std::vector<std::string_view> link_option_words(LinkRequest::Op op);
std::vector<std::string_view> link_value_words(std::string_view keyword);
// The keywords followed by a value (a device, a number, a name ...).
std::vector<std::string_view> link_value_keywords();
// Look names up; the result is ready to build() and send.
LinkRequest resolve_link_args(Context &ctx, LinkArgs &&parsed);

} // namespace vmux
