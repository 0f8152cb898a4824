// SPDX-License-Identifier: GPL-2.0
//
// What `vmux apply` finds different between a declaration's kind data and
// a device's: each kind's DiffFn rows, with the device's data written as
// the module dumps it (fill_info()), independently of the parsers.

#include "catch.hpp"

#include <linux/if_ether.h>
#include <linux/vmux.h>

#include "helpers.hpp"
#include "kinds/kind.hpp"

using namespace vmux;
using namespace test;

namespace {

// The IFLA_INFO_DATA "vmux link add ... type KIND WORDS" sends.
Attrs declared(std::string_view kind, std::initializer_list<std::string_view> words)
{
	Line line(words);
	Args args = line.args();

	return parse_kind_args(kind_named(kind), args);
}

// A dump's IFLA_INFO_DATA from raw attributes.
Attrs dumped(std::initializer_list<Bytes> attrs)
{
	return Attrs::decode(cat(attrs));
}

Bytes qos(std::initializer_list<std::pair<std::uint32_t, std::uint32_t>> maps)
{
	Bytes out;
	for (auto [from, to] : maps)
		out = cat({out, nla(IFLA_VMUX_VLAN_QOS_MAPPING, cat({le32(from), le32(to)}))});
	return out;
}

Bytes vlan_flags(std::uint32_t flags)
{
	return nla(IFLA_VMUX_VLAN_FLAGS, cat({le32(flags), le32(~0U)}));
}

const Bytes mac1 = {2, 0, 0, 0, 0, 1};
const Bytes mac2 = {2, 0, 0, 0, 0, 2};

Bytes sources(std::initializer_list<Bytes> macs)
{
	Bytes list;
	for (const Bytes &mac : macs)
		list = cat({list, nla(IFLA_VMUX_MACVLAN_MACADDR, mac)});
	return cat({nla(IFLA_VMUX_MACVLAN_MACADDR_COUNT, le32(std::uint32_t(macs.size()))),
		    nla(IFLA_VMUX_MACVLAN_MACADDR_DATA, list)});
}

const Bytes vlan100 = cat({nla(IFLA_VMUX_VLAN_PROTOCOL, {0x81, 0x00}), nla(IFLA_VMUX_VLAN_ID, le16(100)),
			   vlan_flags(VMUX_VLAN_FLAG_REORDER_HDR)});
const Bytes macvlan_bridge = cat({nla(IFLA_VMUX_MACVLAN_MODE, le32(VMUX_MACVLAN_MODE_BRIDGE)),
				  nla(IFLA_VMUX_MACVLAN_FLAGS, le16(0)),
				  nla(IFLA_VMUX_MACVLAN_MACADDR_COUNT, le32(0)),
				  nla(IFLA_VMUX_MACVLAN_BC_QUEUE_LEN, le32(1000)),
				  nla(IFLA_VMUX_MACVLAN_BC_QUEUE_LEN_USED, le32(1000))});

using Words = std::initializer_list<std::string_view>;

KindDiff diff(std::string_view kind, Words words, std::initializer_list<Bytes> have)
{
	return diff_kind_data(kind_named(kind), declared(kind, words), dumped(have));
}

std::vector<std::string> keywords(const KindDiff &d)
{
	return {d.keywords.begin(), d.keywords.end()};
}

} // namespace

TEST_CASE("apply: a vlan as declared is no change")
{
	KindDiff d = diff("vlan", {"id", "100", "protocol", "802.1Q", "reorder_hdr", "on"}, {vlan100});
	CHECK(d.change == Change::none);
	CHECK(d.keywords.empty());
	CHECK(d.data.empty());
}

TEST_CASE("apply: vlan id and protocol are replaced, not changed")
{
	CHECK(diff("vlan", {"id", "101"}, {vlan100}).change == Change::replace);
	KindDiff d = diff("vlan", {"id", "100", "protocol", "802.1ad"}, {vlan100});
	CHECK(d.change == Change::replace);
	CHECK(keywords(d) == std::vector<std::string>{"protocol"});
}

TEST_CASE("apply: a vlan flag differs by its own bit only")
{
	// The device has reorder_hdr; gvrp off is what it has (no bit).
	CHECK(diff("vlan", {"id", "100", "gvrp", "off"}, {vlan100}).change == Change::none);
	KindDiff d = diff("vlan", {"id", "100", "loose_binding", "on", "reorder_hdr", "on"}, {vlan100});
	CHECK(d.change == Change::set);
	CHECK(keywords(d) == std::vector<std::string>{"loose_binding"});
	// The flags and mask as declared: the other flags stay as they are.
	CHECK(hex(*d.data.find(IFLA_VMUX_VLAN_FLAGS)) ==
	      hex(cat({le32(VMUX_VLAN_FLAG_REORDER_HDR | VMUX_VLAN_FLAG_LOOSE_BINDING),
		       le32(VMUX_VLAN_FLAG_REORDER_HDR | VMUX_VLAN_FLAG_LOOSE_BINDING)})));
	// No flags attribute at all (flags 0): reorder_hdr on differs.
	CHECK(diff("vlan", {"id", "100", "reorder_hdr", "on"},
		   {nla(IFLA_VMUX_VLAN_ID, le16(100))}).change == Change::set);
}

TEST_CASE("apply: a declared QoS map is the whole map")
{
	const Bytes have = nla(IFLA_VMUX_VLAN_EGRESS_QOS, qos({{1, 2}, {3, 4}}));

	// The order of the words and a mapping to 0 (not dumped) are no change.
	CHECK(diff("vlan", {"id", "100", "egress-qos-map", "3:4", "1:2", "7:0"}, {vlan100, have}).change ==
	      Change::none);
	KindDiff d = diff("vlan", {"id", "100", "egress-qos-map", "3:5"}, {vlan100, have});
	CHECK(d.change == Change::set);
	CHECK(keywords(d) == std::vector<std::string>{"egress-qos-map"});
	// 3:5 as declared, then 1:0: the mapping no longer declared goes.
	CHECK(hex(*d.data.find(IFLA_VMUX_VLAN_EGRESS_QOS)) == hex(qos({{3, 5}, {1, 0}})));
	// Declared on a device with no map: sent as it is.
	d = diff("vlan", {"id", "100", "ingress-qos-map", "0:1"}, {vlan100});
	CHECK(hex(*d.data.find(IFLA_VMUX_VLAN_INGRESS_QOS)) == hex(qos({{0, 1}})));
}

TEST_CASE("apply: macvlan mode changes, except into or out of passthru")
{
	CHECK(diff("macvlan", {"mode", "bridge"}, {macvlan_bridge}).change == Change::none);
	KindDiff d = diff("macvlan", {"mode", "private"}, {macvlan_bridge});
	CHECK(d.change == Change::set);
	CHECK(d.data.get<std::uint32_t>(IFLA_VMUX_MACVLAN_MODE) == VMUX_MACVLAN_MODE_PRIVATE);
	CHECK(diff("macvlan", {"mode", "passthru"}, {macvlan_bridge}).change == Change::replace);
	CHECK(diff("macvlan", {"mode", "vepa"},
		   {nla(IFLA_VMUX_MACVLAN_MODE, le32(VMUX_MACVLAN_MODE_PASSTHRU))}).change == Change::replace);
}

TEST_CASE("apply: macvlan flags are one value, no bclim is the default 1")
{
	KindDiff d = diff("macvlan", {"mode", "passthru", "nopromisc", "nodst"},
			  {nla(IFLA_VMUX_MACVLAN_MODE, le32(VMUX_MACVLAN_MODE_PASSTHRU)),
			   nla(IFLA_VMUX_MACVLAN_FLAGS, le16(0))});
	CHECK(keywords(d) == std::vector<std::string>{"flag"});
	CHECK(diff("macvlan", {"bclim", "1"}, {macvlan_bridge}).change == Change::none);
	CHECK(diff("macvlan", {"bclim", "5"}, {macvlan_bridge}).change == Change::set);
	CHECK(diff("macvlan", {"bclim", "5"}, {macvlan_bridge, nla(IFLA_VMUX_MACVLAN_BC_CUTOFF, le32(5))})
		      .change == Change::none);
	CHECK(diff("macvlan", {"bcqueuelen", "1000"}, {macvlan_bridge}).change == Change::none);
}

TEST_CASE("apply: macaddr set is the whole source list, in any order")
{
	const Bytes source = nla(IFLA_VMUX_MACVLAN_MODE, le32(VMUX_MACVLAN_MODE_SOURCE));

	CHECK(diff("macvlan", {"mode", "source", "macaddr", "set", "02:00:00:00:00:02", "02:00:00:00:00:01"},
		   {source, sources({mac1, mac2})}).change == Change::none);
	KindDiff d = diff("macvlan", {"mode", "source", "macaddr", "set", "02:00:00:00:00:01"},
			  {source, sources({mac1, mac2})});
	CHECK(d.change == Change::set);
	CHECK(keywords(d) == std::vector<std::string>{"macaddr"});
	CHECK(d.data.get<std::uint32_t>(IFLA_VMUX_MACVLAN_MACADDR_MODE) == VMUX_MACVLAN_MACADDR_SET);
	CHECK(d.data.has(IFLA_VMUX_MACVLAN_MACADDR_DATA));
	CHECK(diff("macvlan", {"macaddr", "add", "02:00:00:00:00:01"}, {source, sources({mac1})}).change ==
	      Change::none);
	CHECK(diff("macvlan", {"macaddr", "add", "02:00:00:00:00:02"}, {source, sources({mac1})}).change ==
	      Change::set);
	CHECK(diff("macvlan", {"macaddr", "del", "02:00:00:00:00:02"}, {source, sources({mac1})}).change ==
	      Change::none);
	CHECK(diff("macvlan", {"macaddr", "flush"}, {source, sources({mac1})}).change == Change::set);
	CHECK(diff("macvlan", {"macaddr", "flush"}, {source, nla(IFLA_VMUX_MACVLAN_MACADDR_COUNT, le32(0))})
		      .change == Change::none);
}

TEST_CASE("apply: ipvlan mode and flags")
{
	const Bytes have = cat({nla(IFLA_VMUX_IPVLAN_MODE, le16(VMUX_IPVLAN_MODE_L2)),
				nla(IFLA_VMUX_IPVLAN_FLAGS, le16(0))});

	CHECK(diff("ipvlan", {"mode", "l2", "bridge"}, {have}).change == Change::none);
	KindDiff d = diff("ipvlan", {"mode", "l3", "private"}, {have});
	CHECK(d.change == Change::set);
	CHECK(keywords(d) == std::vector<std::string>{"mode", "flags"});
}
