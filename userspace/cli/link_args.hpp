// SPDX-License-Identifier: GPL-2.0
//
// The words `link add` and `link set` share (ip link's generic ones), up
// to "type KIND ARGS", which the kind's option table takes over.

#pragma once

#include <string>

#include "args.hpp"
#include "link_request.hpp"

namespace vmux {

class Context;

// The command line, understood but not yet looked up: device names and
// namespaces are resolved by resolve_link_args(), so parsing alone can be
// tested without devices.
struct LinkArgs {
	explicit LinkArgs(LinkRequest::Op op) : req(op) {}

	LinkRequest req;
	std::string dev;	// set: the device to change
	std::string lower;	// add: "link DEV"
	std::string netns;	// "netns NAME" (a PID goes straight to req)
	std::string link_netns;	// add: "link-netns NAME"
};

LinkArgs parse_link_args(LinkRequest::Op op, Args &args);
// Look names up; the result is ready to build() and send.
LinkRequest resolve_link_args(Context &ctx, LinkArgs &&parsed);

} // namespace vmux
