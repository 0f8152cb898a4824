// SPDX-License-Identifier: GPL-2.0
//
// vmux link delete { DEV | dev DEV }

#include "commands.hpp"
#include "link_request.hpp"

namespace vmux {

int link_del(Context &ctx, Args &args)
{
	std::string dev;

	while (!args.empty()) {
		std::string_view word = args.next();

		if (word == "dev")
			word = args.next();
		if (!dev.empty())
			throw garbage_arg("dev", word);
		dev = word;
	}
	if (dev.empty())
		throw UsageError("Not enough information: \"dev\" argument is required.");

	LinkRequest req(LinkRequest::Op::del);
	req.ifindex(ctx.ifindex(dev));
	ctx.forget_ifindexes();
	ctx.request(req.build());
	return 0;
}

} // namespace vmux
