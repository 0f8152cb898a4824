// SPDX-License-Identifier: GPL-2.0
//
// Every usage error names its culprit; table-driven.

#include "catch.hpp"

#include <fmt/format.h>
#include <linux/if_link.h>

#include "helpers.hpp"
#include "kinds/kind.hpp"
#include "link_args.hpp"

using namespace vmux;
using Op = LinkRequest::Op;

namespace {

struct Case {
	Op op;
	std::initializer_list<std::string_view> words;
	std::string_view error;
};

const Case cases[] = {
	// generic
	{Op::add, {"link", "eth0", "name", "v10"},
	 "Not enough information: \"type\" argument is required"},
	{Op::add, {"link", "eth0", "name", "a", "name", "b", "type", "vlan", "id", "1"},
	 "Error: either \"name\" is duplicate, or \"b\" is a garbage."},
	{Op::add, {"x", "y", "type", "vlan"}, "Error: either \"name\" is duplicate, or \"y\" is a garbage."},
	{Op::add, {"link", "eth0", "mtu", "1400", "mtu", "1500", "type", "vlan"},
	 "Error: duplicate \"mtu\": \"1500\" is the second value."},
	{Op::add, {"link", "eth0", "mtu", "big", "type", "vlan"},
	 "Error: argument \"big\" is wrong: Invalid \"mtu\" value"},
	{Op::add, {"link", "eth0", "txqlen", "-1", "type", "vlan"},
	 "Error: argument \"-1\" is wrong: Invalid \"txqueuelen\" value"},
	{Op::add, {"link", "eth0", "address", "zz:00", "type", "vlan"},
	 "Error: argument \"zz:00\" is wrong: invalid lladdr"},
	{Op::add, {"link", "eth0", "type", "veth"},
	 "Error: argument \"veth\" is wrong: unknown link type, must be \"vlan\", \"macvlan\" or \"ipvlan\""},
	{Op::add, {"link", "eth0", "type"}, "Command line is not complete. Try option \"help\""},
	{Op::add, {"link"}, "Command line is not complete. Try option \"help\""},
	// ip's order decides an abbreviation: "n" is numtxqueues.
	{Op::add, {"link", "eth0", "n", "x", "type", "vlan"},
	 "Error: argument \"x\" is wrong: numtxqueues must be 1-4096"},
	{Op::add, {"link", "eth0", "link-netns", "red", "netns", "blue", "type", "vlan"},
	 "Error: argument \"red\" is wrong: \"link-netns\" cannot be combined with \"netns\""},
	{Op::set, {"mtu", "1400"}, "Not enough information: \"dev\" argument is required."},
	// ip link's other generic keywords
	{Op::add, {"link", "eth0", "name", "a b", "type", "vlan"},
	 "Error: argument \"a b\" is wrong: \"name\" not a valid ifname"},
	{Op::add, {"link", "eth0", "name", "sixteen-chars-xx", "type", "vlan"},
	 "Error: argument \"sixteen-chars-xx\" is wrong: \"name\" not a valid ifname"},
	{Op::add, {"link", "eth0", "..", "type", "vlan"},
	 "Error: argument \"..\" is wrong: \"name\" not a valid ifname"},
	{Op::add, {"link", "a/b", "x", "type", "vlan"},
	 "Error: argument \"a/b\" is wrong: \"link\" not a valid ifname"},
	{Op::set, {"dev", "x y", "up"}, "Error: argument \"x y\" is wrong: \"dev\" not a valid ifname"},
	{Op::add, {"link", "eth0", "x", "gso_max_segs", "70000", "type", "vlan"},
	 "Error: argument \"70000\" is wrong: gso_max_segs must be 0-65535"},
	{Op::add, {"link", "eth0", "x", "numrxqueues", "4097", "type", "vlan"},
	 "Error: argument \"4097\" is wrong: numrxqueues must be 1-4096"},
	{Op::add, {"link", "eth0", "x", "index", "0", "type", "vlan"},
	 "Error: argument \"0\" is wrong: Invalid \"index\" value"},
	{Op::set, {"x", "group", "no-such-group-name"},
	 "Error: argument \"no-such-group-name\" is wrong: Invalid \"group\" value"},
	{Op::set, {"x", "addrgenmode", "eui48"},
	 "Error: argument \"eui48\" is wrong: addrgenmode must be \"eui64\", \"none\", "
	 "\"stable_secret\" or \"random\""},
	{Op::set, {"x", "promisc", "yes"}, "Error: argument \"yes\" is wrong: promisc must be \"on\" or \"off\""},
	{Op::set, {"x", "promisc", "on", "promisc", "off"},
	 "Error: duplicate \"promisc\": \"off\" is the second value."},
	{Op::set, {"x", "state", "sideways"},
	 "Error: argument \"sideways\" is wrong: state must be \"UNKNOWN\", \"NOTPRESENT\", \"DOWN\", "
	 "\"LOWERLAYERDOWN\", \"TESTING\", \"DORMANT\" or \"UP\""},
	{Op::set, {"x", "protodown_reason", "32", "on"},
	 "Error: argument \"32\" is wrong: invalid protodown reason"},
	{Op::set, {"x", "protodown_reason", "1", "maybe"},
	 "Error: argument \"maybe\" is wrong: protodown_reason must be \"on\" or \"off\""},
	{Op::set, {"x", "master", "br0", "nomaster"},
	 "Error: duplicate \"master\": \"nomaster\" is the second value."},
	{Op::add, {"link", "eth0", "x", "link-netns", "red", "link-netnsid", "3", "type", "vlan"},
	 "Error: duplicate \"link-netns/link-netnsid\": \"3\" is the second value."},
	{Op::set, {"x", "addr", "zz"}, "Error: argument \"zz\" is wrong: invalid lladdr"},
	{Op::set, {"x", "xdp", "frob"},
	 "Error: argument \"frob\" is wrong: xdp must be { off | object FILE [ section NAME ] "
	 "[ verbose ] | pinned FILE }"},
	{Op::set, {"x", "xdp", "off", "xdpgeneric", "off"},
	 "Error: duplicate \"xdp\": \"off\" is the second value."},
	{Op::set, {"x", "xdp", "object"}, "Command line is not complete. Try option \"help\""},
	{Op::add, {"link", "eth0", "x", "xdp", "off", "type", "vlan"},
	 "Error: argument \"xdp\" is wrong: not an option of \"link add\""},
	{Op::set, {"x", "carrier", "on", "numtxqueues", "2"},
	 "Error: argument \"numtxqueues\" is wrong: not an option of \"link set\""},
	{Op::set, {"v10", "link", "eth0"}, "Error: argument \"link\" is wrong: not an option of \"link set\""},
	{Op::set, {"v10", "v11"}, "Error: either \"dev\" is duplicate, or \"v11\" is a garbage."},
	{Op::set, {"v10", "up", "down"}, "Error: duplicate \"up/down\": \"down\" is the second value."},
	// vlan
	{Op::add, {"link", "eth0", "type", "vlan", "id", "4095"},
	 "Error: argument \"4095\" is wrong: id must be 0-4094"},
	{Op::add, {"link", "eth0", "type", "vlan", "id", "ten"},
	 "Error: argument \"ten\" is wrong: id must be 0-4094"},
	{Op::add, {"link", "eth0", "type", "vlan", "id"},
	 "Command line is not complete. Try option \"help\""},
	{Op::add, {"link", "eth0", "type", "vlan", "id", "1", "protocol", "802.1x"},
	 "Error: argument \"802.1x\" is wrong: protocol must be \"802.1Q\" or \"802.1ad\""},
	{Op::add, {"link", "eth0", "type", "vlan", "id", "1", "reorder_hdr", "yes"},
	 "Error: argument \"yes\" is wrong: reorder_hdr must be \"on\" or \"off\""},
	{Op::add, {"link", "eth0", "type", "vlan", "id", "1", "ingress-qos-map", "1"},
	 "Error: argument \"1\" is wrong: ingress-qos-map must be FROM:TO [ FROM:TO ... ]"},
	{Op::add, {"link", "eth0", "type", "vlan", "id", "1", "egress", "1:x"},
	 "Error: argument \"1:x\" is wrong: egress-qos-map must be FROM:TO [ FROM:TO ... ]"},
	{Op::add, {"link", "eth0", "type", "vlan", "id", "1", "mode", "l2"},
	 "Error: argument \"mode\" is wrong: unknown vlan option, try \"vmux link help vlan\""},
	// macvlan
	{Op::add, {"link", "eth0", "type", "macvlan", "mode", "hairpin"},
	 "Error: argument \"hairpin\" is wrong: mode must be \"private\", \"vepa\", \"bridge\", "
	 "\"passthru\" or \"source\""},
	{Op::add, {"link", "eth0", "type", "macvlan", "flag", "promisc"},
	 "Error: argument \"promisc\" is wrong: flag must be \"nopromisc\", \"nodst\" or \"null\""},
	{Op::add, {"link", "eth0", "type", "macvlan", "mode", "bridge", "nopromisc"},
	 "Error: argument \"nopromisc\" is wrong: only valid with \"mode passthru\""},
	{Op::set, {"mv0", "type", "macvlan", "flag", "nopromisc"},
	 "Error: argument \"nopromisc\" is wrong: only valid with \"mode passthru\""},
	{Op::add, {"link", "eth0", "type", "macvlan", "bcqueuelen", "-1"},
	 "Error: argument \"-1\" is wrong: bcqueuelen must be 0-65536"},
	{Op::add, {"link", "eth0", "type", "macvlan", "bcqueuelen", "65537"},
	 "Error: argument \"65537\" is wrong: bcqueuelen must be 0-65536"},
	{Op::add, {"link", "eth0", "type", "macvlan", "bclim", "2147483648"},
	 "Error: argument \"2147483648\" is wrong: bclim must be -2147483648..2147483647"},
	{Op::add, {"link", "eth0", "type", "macvlan", "macaddr", "add", "02:00:00:00:00"},
	 "Error: argument \"02:00:00:00:00\" is wrong: invalid MAC address"},
	{Op::add, {"link", "eth0", "type", "macvlan", "macaddr", "replace"},
	 "Error: argument \"replace\" is wrong: macaddr must be \"add\", \"del\", \"set\" or \"flush\""},
	{Op::add, {"link", "eth0", "type", "macvlan", "bc", "1"},
	 "Error: argument \"bc\" is wrong: ambiguous, could be \"bcqueuelen\" or \"bclim\""},
	// ipvlan
	{Op::add, {"link", "eth0", "type", "ipvlan", "mode", "l4"},
	 "Error: argument \"l4\" is wrong: mode must be \"l2\", \"l3\" or \"l3s\""},
	{Op::add, {"link", "eth0", "type", "ipvlan", "private", "vepa"},
	 "Error: argument \"vepa\" is wrong: only one FLAGS word may be given"},
};

} // namespace

TEST_CASE("usage errors")
{
	for (const Case &c : cases) {
		test::Line line(c.words);
		Args args = line.args();

		INFO(fmt::format("{}", fmt::join(c.words, " ")));
		CHECK_THROWS_AS(parse_link_args(c.op, args), UsageError);
		args = line.args();
		CHECK_THROWS_WITH(parse_link_args(c.op, args), std::string(c.error));
	}
}

TEST_CASE("help where a keyword is due prints the command's usage, as ip")
{
	for (auto words : {std::initializer_list<std::string_view>{"x", "help"},
			   std::initializer_list<std::string_view>{"x", "type", "vlan", "help"}}) {
		test::Line line(words);
		Args args = line.args();

		CHECK_THROWS_AS(parse_link_args(Op::set, args), HelpRequest);
	}
	test::Line line({"x", "type", "vlan", "help"});
	Args args = line.args();
	CHECK_THROWS_WITH(parse_link_args(Op::set, args), kind_help(kind_named("vlan")));
}

TEST_CASE("xdp: mode, object, section, verbose, and the generic keywords after it")
{
	test::Line line({"x", "xdpgeneric", "obj", "f.o", "sec", "prog", "verbose", "mtu", "1400"});
	Args args = line.args();
	LinkArgs p = parse_link_args(Op::set, args);

	REQUIRE(p.xdp);
	CHECK(p.xdp->flags == XDP_FLAGS_SKB_MODE);
	CHECK_FALSE(p.xdp->off);
	CHECK(p.xdp->object == "f.o");
	CHECK(p.xdp->section == "prog");
	CHECK(p.xdp->verbose);
	CHECK(p.req.has_mtu());

	test::Line off({"x", "xdpoffload", "none"});
	Args off_args = off.args();
	LinkArgs q = parse_link_args(Op::set, off_args);
	REQUIRE(q.xdp);
	CHECK(q.xdp->off);
	CHECK(q.xdp->flags == XDP_FLAGS_HW_MODE);
}

TEST_CASE("on set, id and protocol are sent: the kernel refuses a change")
{
	test::Line line({"v10", "type", "vlan", "id", "11", "protocol", "802.1ad"});
	Args args = line.args();

	CHECK_NOTHROW(parse_link_args(Op::set, args));
}

TEST_CASE("DEV, with or without the dev keyword: one device")
{
	auto take_all = [](std::initializer_list<std::string_view> words) {
		test::Line line(words);
		Args args = line.args();
		std::string dev;

		while (!args.empty())
			take_dev(dev, args.next(), args);
		return dev;
	};

	CHECK(take_all({"v10"}) == "v10");
	CHECK(take_all({"dev", "v10"}) == "v10");
	CHECK(take_all({"dev", "dev"}) == "dev");
	CHECK_THROWS_WITH(take_all({"v10", "v11"}),
			  "Error: either \"dev\" is duplicate, or \"v11\" is a garbage.");
	CHECK_THROWS_WITH(take_all({"v10", "dev", "v11"}),
			  "Error: either \"dev\" is duplicate, or \"v11\" is a garbage.");
	CHECK_THROWS_AS(take_all({"dev"}), UsageError);
}
