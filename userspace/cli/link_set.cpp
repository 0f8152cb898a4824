// SPDX-License-Identifier: GPL-2.0
//
// vmux link set { DEV | dev DEV } [ GENERIC ] [ type KIND ARGS ]: one
// RTM_NEWLINK, so the kernel applies all of it or none (changelink
// validates everything before it changes anything).

#include "commands.hpp"
#include "link_args.hpp"

namespace vmux {

int link_set(Context &ctx, Args &args)
{
	LinkArgs parsed = parse_link_args(LinkRequest::Op::set, args);
	LinkRequest req = resolve_link_args(ctx, std::move(parsed));

	// It may rename the device or move it away.
	ctx.forget_ifindexes();
	ctx.request(req.build());
	return 0;
}

} // namespace vmux
