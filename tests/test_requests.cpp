// SPDX-License-Identifier: GPL-2.0
//
// Golden bytes of the requests vmux sends, for representative command
// lines, and the round trip of the kind data through the wire format.

#include "catch.hpp"

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <linux/vmux.h>

#include "helpers.hpp"
#include "kinds/kind.hpp"
#include "link_args.hpp"
#include "netns.hpp"
#include "xdp.hpp"

using namespace vmux;
using namespace test;
using Op = LinkRequest::Op;

namespace {

constexpr std::uint16_t add_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
constexpr std::uint16_t set_flags = NLM_F_REQUEST | NLM_F_ACK;

// The bytes of `vmux link add|set WORDS` with the lower as ifindex 2 and
// the device to change as ifindex 7 (name lookups are not under test).
Bytes request(Op op, std::initializer_list<std::string_view> words)
{
	Line line(words);
	Args args = line.args();
	LinkArgs parsed = parse_link_args(op, args);

	if (!parsed.lower.empty())
		parsed.req.link(2);
	if (!parsed.dev.empty())
		parsed.req.ifindex(7);
	Message msg = parsed.req.build();
	return Bytes(msg.bytes().begin(), msg.bytes().end());
}

Bytes linkinfo(std::string_view kind, const Bytes &data)
{
	Bytes body = nla(IFLA_INFO_KIND, str(kind));
	if (!data.empty())
		body = cat({body, nla(IFLA_INFO_DATA | NLA_F_NESTED, data)});
	return nla(IFLA_LINKINFO | NLA_F_NESTED, body);
}

Bytes net16(std::uint16_t v) { return {std::uint8_t(v >> 8), std::uint8_t(v)}; }

} // namespace

TEST_CASE("link add ... type vlan id 10: every byte")
{
	const Bytes expected = {
		// nlmsghdr: 80 bytes, RTM_NEWLINK, REQUEST|ACK|EXCL|CREATE, seq 0, pid 0
		0x50, 0, 0, 0, 0x10, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0,
		// ifinfomsg: AF_UNSPEC, index 0, no flags
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		// IFLA_LINK = 2
		8, 0, 5, 0, 2, 0, 0, 0,
		// IFLA_IFNAME = "v10"
		8, 0, 3, 0, 'v', '1', '0', 0,
		// IFLA_LINKINFO (nested)
		32, 0, 0x12, 0x80,
		//   IFLA_INFO_KIND = "vmux_vlan"
		14, 0, 1, 0, 'v', 'm', 'u', 'x', '_', 'v', 'l', 'a', 'n', 0, 0, 0,
		//   IFLA_INFO_DATA (nested)
		12, 0, 2, 0x80,
		//     IFLA_VMUX_VLAN_ID = 10
		6, 0, 1, 0, 10, 0, 0, 0,
	};

	CHECK(hex(request(Op::add, {"link", "eth0", "name", "v10", "type", "vlan", "id", "10"})) ==
	      hex(expected));
	// Same request: abbreviations, a bare name, the kernel kind name.
	CHECK(hex(request(Op::add, {"link", "eth0", "v10", "ty", "vmux_vlan", "id", "0xa"})) ==
	      hex(expected));
}

TEST_CASE("link add: generic attributes and every vlan option")
{
	Bytes flags = cat({le32(VMUX_VLAN_FLAG_LOOSE_BINDING),
			   le32(VMUX_VLAN_FLAG_REORDER_HDR | VMUX_VLAN_FLAG_LOOSE_BINDING)});
	Bytes data = cat({
		nla(IFLA_VMUX_VLAN_ID, le16(100)),
		nla(IFLA_VMUX_VLAN_FLAGS, flags),
		nla(IFLA_VMUX_VLAN_EGRESS_QOS | NLA_F_NESTED,
		    cat({nla(IFLA_VMUX_VLAN_QOS_MAPPING, cat({le32(4), le32(5)})),
			 nla(IFLA_VMUX_VLAN_QOS_MAPPING, cat({le32(3), le32(1)}))})),
		nla(IFLA_VMUX_VLAN_INGRESS_QOS | NLA_F_NESTED,
		    nla(IFLA_VMUX_VLAN_QOS_MAPPING, cat({le32(1), le32(2)}))),
		nla(IFLA_VMUX_VLAN_PROTOCOL, net16(0x88a8)),
	});
	Bytes body = cat({
		ifinfo(0),
		nla(IFLA_LINK, le32(2)),
		nla(IFLA_IFNAME, str("v100")),
		nla(IFLA_MTU, le32(1400)),
		nla(IFLA_ADDRESS, {0x02, 0, 0, 0, 0, 0x64}),
		nla(IFLA_TXQLEN, le32(500)),
		linkinfo("vmux_vlan", data),
	});

	CHECK(hex(request(Op::add, {"link", "eth0", "name", "v100", "mtu", "1400", "address",
				    "02:00:00:00:00:64", "txqueuelen", "500", "type", "vlan",
				    "protocol", "802.1ad", "id", "100", "reorder_hdr", "off",
				    "loose_binding", "on", "ingress-qos-map", "1:2", "egress-qos-map",
				    "4:5", "egress", "3:1"})) == hex(nlmsg(RTM_NEWLINK, add_flags, body)));
}

TEST_CASE("link add: gvrp, mvrp and bridge_binding are sent for the kernel to judge")
{
	Bytes flags = cat({le32(VMUX_VLAN_FLAG_GVRP | VMUX_VLAN_FLAG_BRIDGE_BINDING),
			   le32(VMUX_VLAN_FLAG_GVRP | VMUX_VLAN_FLAG_MVRP |
				VMUX_VLAN_FLAG_BRIDGE_BINDING)});
	Bytes body = cat({ifinfo(0), nla(IFLA_LINK, le32(2)), nla(IFLA_IFNAME, str("v5")),
			  linkinfo("vmux_vlan", cat({nla(IFLA_VMUX_VLAN_ID, le16(5)),
						     nla(IFLA_VMUX_VLAN_FLAGS, flags)}))});

	CHECK(hex(request(Op::add, {"link", "eth0", "name", "v5", "type", "vlan", "id", "5", "gvrp",
				    "on", "mvrp", "off", "bridge_binding", "on"})) ==
	      hex(nlmsg(RTM_NEWLINK, add_flags, body)));
}

TEST_CASE("link add without kind arguments sends no IFLA_INFO_DATA, like ip")
{
	Bytes body = cat({ifinfo(0), nla(IFLA_LINK, le32(2)), nla(IFLA_IFNAME, str("ipv0")),
			  linkinfo("vmux_ipvlan", {})});

	CHECK(hex(request(Op::add, {"link", "eth0", "ipv0", "type", "ipvlan"})) ==
	      hex(nlmsg(RTM_NEWLINK, add_flags, body)));
}

TEST_CASE("link set: state, generic attributes and a vlan change in one message")
{
	Bytes flags = cat({le32(0), le32(VMUX_VLAN_FLAG_REORDER_HDR)});
	Bytes body = cat({
		ifinfo(7, 0, IFF_UP, IFF_UP),
		nla(IFLA_IFNAME, str("v10b")),
		nla(IFLA_MTU, le32(1400)),
		linkinfo("vmux_vlan", nla(IFLA_VMUX_VLAN_FLAGS, flags)),
	});

	CHECK(hex(request(Op::set, {"dev", "v10", "up", "mtu", "1400", "name", "v10b", "type",
				    "vlan", "reorder_hdr", "off"})) ==
	      hex(nlmsg(RTM_NEWLINK, set_flags, body)));
	CHECK(hex(request(Op::set, {"v10", "down"})) ==
	      hex(nlmsg(RTM_NEWLINK, set_flags, ifinfo(7, 0, 0, IFF_UP))));
}

TEST_CASE("link add: ip link's generic keywords, as iplink_parse() sends them")
{
	Bytes af_spec = nla(IFLA_AF_SPEC | NLA_F_NESTED,
			    nla(AF_INET6, nla(IFLA_INET6_ADDR_GEN_MODE, {IN6_ADDR_GEN_MODE_NONE})));
	Bytes body = cat({
		ifinfo(42, 0, IFF_PROMISC | IFF_NOARP | IFF_UP, IFF_PROMISC | IFF_NOARP | IFF_UP),
		nla(IFLA_LINK, le32(2)),
		nla(IFLA_IFNAME, str("m0")),
		nla(IFLA_BROADCAST, {0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}),
		nla(IFLA_OPERSTATE, {IF_OPER_DORMANT}),
		nla(IFLA_LINKMODE, {IF_LINK_MODE_DORMANT}),
		nla(IFLA_IFALIAS, {'w', 'e', 'b'}),
		af_spec,
		nla(IFLA_GROUP, le32(7)),
		nla(IFLA_NUM_TX_QUEUES, le32(4)),
		nla(IFLA_NUM_RX_QUEUES, le32(2)),
		nla(IFLA_GSO_MAX_SEGS, le32(100)),
		nla(IFLA_GSO_MAX_SIZE, le32(32768)),
		nla(IFLA_GRO_MAX_SIZE, le32(16384)),
		linkinfo("vmux_macvlan", {}),
	});

	CHECK(hex(request(Op::add, {"link", "eth0", "m0", "index", "42", "promisc", "on", "arp", "off",
				    "up", "brd", "ff:ff:ff:ff:ff:fe", "alias", "web", "group", "7",
				    "mode", "dormant", "state", "dormant", "addrgenmode", "none",
				    "numt", "4", "numrxqueues", "2", "gso_max_segs", "100",
				    "gso_max_size", "32768", "gro_max_size", "16384", "type",
				    "macvlan"})) == hex(nlmsg(RTM_NEWLINK, add_flags, body)));
}

TEST_CASE("link set: flags both ways, nomaster, protodown and its reason, carrier")
{
	Bytes reason = nla(IFLA_PROTO_DOWN_REASON | NLA_F_NESTED,
			   cat({nla(IFLA_PROTO_DOWN_REASON_MASK, le32(1U << 3)),
				nla(IFLA_PROTO_DOWN_REASON_VALUE, le32(1U << 3))}));
	Bytes body = cat({
		ifinfo(7, 0, IFF_MULTICAST | IFF_NOTRAILERS,
		       IFF_MULTICAST | IFF_ALLMULTI | IFF_NOTRAILERS | IFF_DYNAMIC),
		nla(IFLA_MASTER, le32(0)),
		nla(IFLA_CARRIER, {0}),
		nla(IFLA_PROTO_DOWN, {1}),
		reason,
	});

	CHECK(hex(request(Op::set, {"v10", "multicast", "on", "allmulticast", "off", "trailers", "off",
				    "dyn", "off", "nomaster", "protodown", "on", "protodown_reason", "3",
				    "on", "carrier", "off"})) ==
	      hex(nlmsg(RTM_NEWLINK, set_flags, body)));
}

TEST_CASE("link set: index with a move is IFLA_NEW_IFINDEX")
{
	Bytes body = cat({ifinfo(7), nla(IFLA_NET_NS_PID, le32(1234)), nla(IFLA_NEW_IFINDEX, le32(9))});

	CHECK(hex(request(Op::set, {"v10", "netns", "1234", "index", "9"})) ==
	      hex(nlmsg(RTM_NEWLINK, set_flags, body)));
}

TEST_CASE("xdp: the IFLA_XDP nest ip sends")
{
	CHECK(hex(xdp_request_nest(-1, XDP_FLAGS_SKB_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST)) ==
	      hex(cat({nla(IFLA_XDP_FD, le32(0xffffffff)),
		       nla(IFLA_XDP_FLAGS, le32(XDP_FLAGS_SKB_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST))})));
	CHECK(hex(xdp_request_nest(7, 0)) == hex(nla(IFLA_XDP_FD, le32(7))));
}

TEST_CASE("link set: netns by PID")
{
	Bytes body = cat({ifinfo(7), nla(IFLA_NET_NS_PID, le32(1234))});

	CHECK(hex(request(Op::set, {"v10", "netns", "1234"})) ==
	      hex(nlmsg(RTM_NEWLINK, set_flags, body)));
}

TEST_CASE("link delete")
{
	LinkRequest req(Op::del);

	req.ifindex(7);
	Message msg = req.build();
	CHECK(hex(Bytes(msg.bytes().begin(), msg.bytes().end())) ==
	      hex(nlmsg(RTM_DELLINK, set_flags, ifinfo(7))));
}

TEST_CASE("macvlan requests")
{
	auto add = [](std::initializer_list<std::string_view> args, const Bytes &data) {
		std::vector<std::string_view> words = {"link", "eth0", "name", "mv0", "type", "macvlan"};
		words.insert(words.end(), args);
		Bytes body = cat({ifinfo(0), nla(IFLA_LINK, le32(2)), nla(IFLA_IFNAME, str("mv0")),
				  linkinfo("vmux_macvlan", data)});
		Line line({});
		line.words.assign(words.begin(), words.end());
		Args a = line.args();
		LinkArgs parsed = parse_link_args(Op::add, a);
		parsed.req.link(2);
		Message msg = parsed.req.build();
		CHECK(hex(Bytes(msg.bytes().begin(), msg.bytes().end())) ==
		      hex(nlmsg(RTM_NEWLINK, add_flags, body)));
	};
	const Bytes mac1 = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
	const Bytes mac2 = {0x02, 0x11, 0x22, 0x33, 0x44, 0x66};

	SECTION("mode only") {
		add({"mode", "bridge"}, nla(IFLA_VMUX_MACVLAN_MODE, le32(VMUX_MACVLAN_MODE_BRIDGE)));
	}
	SECTION("passthru nopromisc") {
		add({"mode", "passthru", "nopromisc"},
		    cat({nla(IFLA_VMUX_MACVLAN_MODE, le32(VMUX_MACVLAN_MODE_PASSTHRU)),
			 nla(IFLA_VMUX_MACVLAN_FLAGS, le16(VMUX_MACVLAN_FLAG_NOPROMISC))}));
	}
	SECTION("flag null clears the flags") {
		add({"flag", "null"}, nla(IFLA_VMUX_MACVLAN_FLAGS, le16(0)));
	}
	SECTION("source with a list, bcqueuelen, bclim") {
		add({"mode", "source", "nodst", "macaddr", "set", "02:11:22:33:44:55",
		     "02:11:22:33:44:66", "bcqueuelen", "5000", "bclim", "-1"},
		    cat({nla(IFLA_VMUX_MACVLAN_MODE, le32(VMUX_MACVLAN_MODE_SOURCE)),
			 nla(IFLA_VMUX_MACVLAN_FLAGS, le16(VMUX_MACVLAN_FLAG_NODST)),
			 nla(IFLA_VMUX_MACVLAN_MACADDR_MODE, le32(VMUX_MACVLAN_MACADDR_SET)),
			 nla(IFLA_VMUX_MACVLAN_MACADDR_DATA | NLA_F_NESTED,
			     cat({nla(IFLA_VMUX_MACVLAN_MACADDR, mac1),
				  nla(IFLA_VMUX_MACVLAN_MACADDR, mac2)})),
			 nla(IFLA_VMUX_MACVLAN_BC_QUEUE_LEN, le32(5000)),
			 nla(IFLA_VMUX_MACVLAN_BC_CUTOFF, le32(0xffffffff))}));
	}
	SECTION("macaddr add") {
		add({"mode", "source", "macaddr", "add", "02:11:22:33:44:55"},
		    cat({nla(IFLA_VMUX_MACVLAN_MODE, le32(VMUX_MACVLAN_MODE_SOURCE)),
			 nla(IFLA_VMUX_MACVLAN_MACADDR_MODE, le32(VMUX_MACVLAN_MACADDR_ADD)),
			 nla(IFLA_VMUX_MACVLAN_MACADDR, mac1)}));
	}
	SECTION("macaddr set with an empty list, then flush") {
		add({"macaddr", "set", "mode", "source"},
		    cat({nla(IFLA_VMUX_MACVLAN_MODE, le32(VMUX_MACVLAN_MODE_SOURCE)),
			 nla(IFLA_VMUX_MACVLAN_MACADDR_MODE, le32(VMUX_MACVLAN_MACADDR_SET)),
			 nla(IFLA_VMUX_MACVLAN_MACADDR_DATA | NLA_F_NESTED, {})}));
		add({"macaddr", "flush"},
		    nla(IFLA_VMUX_MACVLAN_MACADDR_MODE, le32(VMUX_MACVLAN_MACADDR_FLUSH)));
	}
}

TEST_CASE("ipvlan requests: FLAGS goes with any argument")
{
	auto data = [](std::initializer_list<std::string_view> words) {
		Line line(words);
		Args args = line.args();
		return parse_kind_args(kind_named("ipvlan"), args).encode();
	};

	CHECK(hex(data({"mode", "l2"})) == hex(cat({nla(IFLA_VMUX_IPVLAN_MODE, le16(0)),
						     nla(IFLA_VMUX_IPVLAN_FLAGS, le16(0))})));
	CHECK(hex(data({"private"})) == hex(nla(IFLA_VMUX_IPVLAN_FLAGS, le16(VMUX_IPVLAN_F_PRIVATE))));
	CHECK(hex(data({"mode", "l3s", "vepa"})) ==
	      hex(cat({nla(IFLA_VMUX_IPVLAN_MODE, le16(VMUX_IPVLAN_MODE_L3S)),
		       nla(IFLA_VMUX_IPVLAN_FLAGS, le16(VMUX_IPVLAN_F_VEPA))})));
}

TEST_CASE("kind data survives encode and decode")
{
	const std::initializer_list<std::string_view> lines[] = {
		{"vlan", "id", "4094", "protocol", "802.1Q", "mvrp", "on", "ingress", "0:7", "7:0"},
		{"macvlan", "mode", "source", "macaddr", "set", "02:00:00:00:00:01", "bclim", "-5"},
		{"ipvlan", "mode", "l3", "bridge"},
	};

	for (const auto &words : lines) {
		Line line(words);
		Args args = line.args();
		const Kind &kind = kind_named(args.next());
		Attrs data = parse_kind_args(kind, args);

		CHECK(Attrs::decode(data.encode()) == data);
	}
}

TEST_CASE("netns id query and assignment")
{
	Message query = nsid_query(5);
	Message assign = nsid_assign(5);
	// rtgenmsg: AF_UNSPEC, padded to 4
	const Bytes rtgen = {0, 0, 0, 0};

	CHECK(hex(Bytes(query.bytes().begin(), query.bytes().end())) ==
	      hex(nlmsg(RTM_GETNSID, set_flags, cat({rtgen, nla(NETNSA_FD, le32(5))}))));
	CHECK(hex(Bytes(assign.bytes().begin(), assign.bytes().end())) ==
	      hex(nlmsg(RTM_NEWNSID, set_flags,
			cat({rtgen, nla(NETNSA_FD, le32(5)), nla(NETNSA_NSID, le32(0xffffffff))}))));
}

TEST_CASE("link add with IFLA_LINK_NETNSID")
{
	Line line({"link", "eth0", "link-netns", "red", "name", "v5", "type", "vlan", "id", "5"});
	Args args = line.args();
	LinkArgs parsed = parse_link_args(Op::add, args);

	CHECK(parsed.link_netns == "red");
	CHECK(parsed.lower == "eth0");
	parsed.req.link(3).link_netnsid(0);
	Message msg = parsed.req.build();
	Bytes body = cat({ifinfo(0), nla(IFLA_LINK, le32(3)), nla(IFLA_IFNAME, str("v5")),
			  nla(IFLA_LINK_NETNSID, le32(0)),
			  linkinfo("vmux_vlan", nla(IFLA_VMUX_VLAN_ID, le16(5)))});
	CHECK(hex(Bytes(msg.bytes().begin(), msg.bytes().end())) ==
	      hex(nlmsg(RTM_NEWLINK, add_flags, body)));
}
