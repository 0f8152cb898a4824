// SPDX-License-Identifier: GPL-2.0
//
// The kernel's extended ACK, as it arrives in NLMSG_ERROR and NLMSG_DONE.

#include "catch.hpp"

#include <linux/netlink.h>

#include "error.hpp"
#include "helpers.hpp"
#include "netlink.hpp"

using namespace vmux;
using namespace test;

namespace {

std::string extack(const Bytes &msg)
{
	return extack_of(*reinterpret_cast<const nlmsghdr *>(msg.data()));
}

// struct nlmsgerr: error, then the header of the request (len, type 16).
Bytes error_body(std::int32_t error, std::uint32_t request_len)
{
	return cat({le32(std::uint32_t(error)), le32(request_len), le16(16), le16(5), le32(1), le32(0)});
}

} // namespace

TEST_CASE("extack of a capped NLMSG_ERROR")
{
	Bytes msg = nlmsg(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS,
			  cat({error_body(-22, 40), nla(NLMSGERR_ATTR_MSG, str("VLAN id not specified"))}));

	CHECK(extack(msg) == "VLAN id not specified");
}

TEST_CASE("extack after the echoed request of an uncapped NLMSG_ERROR")
{
	// The request had 6 bytes of payload: the TLVs start 4-aligned after it.
	Bytes msg = nlmsg(NLMSG_ERROR, NLM_F_ACK_TLVS,
			  cat({error_body(-95, 22), {1, 2, 3, 4, 5, 6, 0, 0},
			       nla(NLMSGERR_ATTR_OFFS, le32(20)),
			       nla(NLMSGERR_ATTR_MSG, str("vmux: gvrp is not supported"))}));

	CHECK(extack(msg) == "vmux: gvrp is not supported");
}

TEST_CASE("no extack without NLM_F_ACK_TLVS")
{
	CHECK(extack(nlmsg(NLMSG_ERROR, NLM_F_CAPPED, error_body(-22, 40))).empty());
}

TEST_CASE("extack of a failed dump's NLMSG_DONE")
{
	Bytes msg = nlmsg(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS,
			  cat({le32(std::uint32_t(-22)), nla(NLMSGERR_ATTR_MSG, str("bad filter"))}));

	CHECK(extack(msg) == "bad filter");
}

TEST_CASE("error lines as ip prints them")
{
	CHECK(std::string(NetlinkError(22, "VLAN id not specified").what()) ==
	      "Error: VLAN id not specified.");
	CHECK(std::string(NetlinkError(17, "vmux: VLAN device already exists.").what()) ==
	      "Error: vmux: VLAN device already exists.");
	CHECK(std::string(NetlinkError(16, "").what()) == "RTNETLINK answers: Device or resource busy");
	CHECK(extack_line("Warning", "careful") == "Warning: careful.");
}
