// SPDX-License-Identifier: GPL-2.0
//
// vmux link delete { DEV | dev DEV }

#include "commands.hpp"
#include "link_request.hpp"

namespace vmux {

int link_del(Context &ctx, Args &args)
{
	std::string dev;

	while (!args.empty())
		take_dev(dev, args.next(), args);
	if (dev.empty())
		throw UsageError("Not enough information: \"dev\" argument is required.");

	LinkRequest req(LinkRequest::Op::del);
	req.ifindex(ctx.ifindex(dev));
	ctx.forget_ifindexes();
	ctx.request(req.build());
	return 0;
}

} // namespace vmux
